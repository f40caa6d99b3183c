import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import type { Server, ServerDuplexStream, ServerWritableStream, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { DESCRIPTOR_SET_BASE64 } from '../generated/descriptor-set.js';
import type { Authenticator } from './auth.js';
import { toServiceError } from './status.js';

/** The names `grpcurl list` shows for the standard services. */
export const HEALTH_SERVICE = 'grpc.health.v1.Health';
export const REFLECTION_SERVICES = ['grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'] as const;

/** "sdn.runtime.v1.KV" from a definition whose methods' paths are "/sdn.runtime.v1.KV/Get". */
export function serviceName(definition: ServiceDefinition): string {
  const first = Object.values(definition)[0];
  if (first === undefined) throw new Error('a gRPC service definition without methods');
  return first.path.split('/')[1]!;
}

/** FileDescriptorSet.file: field 1, each a FileDescriptorProto. */
const FILE_FIELD = 1;

/**
 * What reflection answers from: protoc's FileDescriptorProtos of our protos and of
 * health's and reflection's own (generated/descriptor-set.ts), each as its bytes.
 * Not proto-loader's descriptors: those are rebuilt by protobufjs, which names map
 * entries in a way grpcurl rejects ("invalid map").
 */
function reflectedFiles(): ConstructorParameters<typeof ReflectionService>[0] {
  const reader = new BinaryReader(Buffer.from(DESCRIPTOR_SET_BASE64, 'base64'));
  const files: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === FILE_FIELD && wireType === WireType.LengthDelimited) files.push(reader.bytes());
    else reader.skip(wireType);
  }
  // @grpc/reflection reads only `fileDescriptorProtos` of each entry of a package definition.
  return { 'sdn.runtime.v1': { fileDescriptorProtos: files } } as unknown as ConstructorParameters<typeof ReflectionService>[0];
}

type Handler = (call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>, callback?: unknown) => void;

/**
 * grpc.health.v1.Health and server reflection (v1 and v1alpha) on the API server.
 *
 * Health needs no token, so load balancers and probes that cannot carry one can
 * ask; it tells only SERVING or NOT_SERVING per service name. Reflection needs a
 * valid token (any scope) when tokens are configured: it describes no secret (the
 * protos are public) but an anonymous caller has no use for the node's surface.
 * Not thread-safe; runs on the event loop like the rest of the server.
 */
export class StandardServices {
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING' });
  private readonly names: string[] = [];
  private readonly watches = new Set<ServerWritableStream<unknown, unknown>>();

  constructor(private readonly auth: Authenticator) {}

  /** Records a service of ours, so health reports it and reflection lists it. */
  track(definition: ServiceDefinition): void {
    this.names.push(serviceName(definition));
  }

  /** Adds health and reflection to `server`; call once, after every `track`, before binding. */
  addTo(server: Server): void {
    this.health.addToServer({ addService: (definition, implementation) => server.addService(definition as ServiceDefinition, this.trackWatches(implementation as UntypedServiceImplementation)) });
    const reflection = new ReflectionService(reflectedFiles(), { services: [...this.names, HEALTH_SERVICE, ...REFLECTION_SERVICES] });
    reflection.addToServer({ addService: (definition, implementation) => server.addService(definition, this.requireToken(implementation)) });
  }

  /** Every tracked service and the server as a whole ("") answer SERVING. */
  serving(): void {
    for (const name of ['', ...this.names]) this.health.setStatus(name, 'SERVING');
  }

  /**
   * Every service answers NOT_SERVING, which Watch streams receive, and then
   * those streams end (OK), so a shutdown does not wait for them.
   */
  notServing(): void {
    for (const name of ['', ...this.names]) this.health.setStatus(name, 'NOT_SERVING');
    for (const call of this.watches) call.end();
    this.watches.clear();
  }

  private trackWatches(implementation: UntypedServiceImplementation): UntypedServiceImplementation {
    // grpc-health-check names its handlers after the proto-loader method names (lower camel case).
    const key = Object.keys(implementation).find((name) => name.toLowerCase() === 'watch');
    if (key === undefined) throw new Error('grpc-health-check offers no Watch handler');
    const watch = implementation[key] as Handler;
    return {
      ...implementation,
      [key]: (call: ServerWritableStream<unknown, unknown>) => {
        this.watches.add(call);
        call.on('cancelled', () => this.watches.delete(call));
        watch(call);
      },
    };
  }

  private requireToken(implementation: UntypedServiceImplementation): UntypedServiceImplementation {
    const guarded: Record<string, Handler> = {};
    for (const [method, handler] of Object.entries(implementation) as [string, Handler][]) {
      guarded[method] = (call, callback) => {
        try {
          this.auth.identify(call.metadata);
        } catch (err) {
          call.emit('error', toServiceError(err));
          return;
        }
        handler(call, callback);
      };
    }
    return guarded as UntypedServiceImplementation;
  }
}
