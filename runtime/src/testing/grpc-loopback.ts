import { credentials, Server, ServerCredentials, type Client, type ServiceDefinition, type ServiceError, type UntypedServiceImplementation } from '@grpc/grpc-js';

/** A grpc-js server with the given services on 127.0.0.1, port 0, insecure; for tests of single services. */
export async function startLoopbackServer(services: readonly [ServiceDefinition, UntypedServiceImplementation][]): Promise<{ address: string; stop: () => Promise<void> }> {
  const server = new Server();
  for (const [definition, implementation] of services) server.addService(definition, implementation);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error)));
  });
  return {
    address: `127.0.0.1:${port}`,
    stop: () => {
      server.forceShutdown();
      return Promise.resolve();
    },
  };
}

export function insecureClient<C extends Client>(Constructor: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => C, address: string): C {
  return new Constructor(address, credentials.createInsecure());
}

/** A unary call as a promise: `unary((done) => client.get(request, done))`. */
export function unary<Res>(invoke: (done: (error: ServiceError | null, response: Res) => void) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    invoke((error, response) => (error === null ? resolve(response) : reject(error)));
  });
}
