import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { Client, credentials, Metadata, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';

/**
 * A client for grpc.health.v1.Health and grpc.reflection.v1.ServerReflection with
 * their few messages encoded by hand, so tests need neither generated code nor
 * proto-loader for them.
 */

/** grpc.health.v1.HealthCheckResponse.ServingStatus by number. */
export const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;
export type ServingStatusName = (typeof SERVING_STATUS)[number];

/** A message of one string field `field` (HealthCheckRequest.service = 1; ServerReflectionRequest.list_services = 7). */
function stringMessage(field: number, value: string): Buffer {
  return Buffer.from(new BinaryWriter().tag(field, WireType.LengthDelimited).string(value).finish());
}

function servingStatus(bytes: Buffer): ServingStatusName {
  const reader = new BinaryReader(bytes);
  let status = 0;
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.Varint) status = reader.int32();
    else reader.skip(wireType);
  }
  return SERVING_STATUS[status] ?? 'UNKNOWN';
}

/** ServerReflectionResponse.list_services_response (6) .service (1) .name (1). */
function listedServices(bytes: Buffer): string[] {
  const names: string[] = [];
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field !== 6 || wireType !== WireType.LengthDelimited) {
      reader.skip(wireType);
      continue;
    }
    const list = new BinaryReader(reader.bytes());
    while (list.pos < list.len) {
      const [f, w] = list.tag();
      if (f !== 1 || w !== WireType.LengthDelimited) {
        list.skip(w);
        continue;
      }
      const service = new BinaryReader(list.bytes());
      while (service.pos < service.len) {
        const [sf, sw] = service.tag();
        if (sf === 1 && sw === WireType.LengthDelimited) names.push(service.string());
        else service.skip(sw);
      }
    }
  }
  return names;
}

const identity = (b: Buffer): Buffer => b;

function metadataOf(token: string | undefined): Metadata {
  const metadata = new Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

export class StandardServicesClient {
  private readonly client: Client;

  constructor(address: string) {
    this.client = new Client(address, credentials.createInsecure());
  }

  /** Health.Check; rejects with the ServiceError (NOT_FOUND for a service it does not know). */
  check(service: string): Promise<ServingStatusName> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest('/grpc.health.v1.Health/Check', identity, identity, stringMessage(1, service), new Metadata(), (err: ServiceError | null, value?: Buffer) => (err === null ? resolve(servingStatus(value!)) : reject(err)));
    });
  }

  /** Health.Watch: a stream of statuses (read with `on('data', ...)`, decoded by `statusOf`). */
  watch(service: string): ClientReadableStream<Buffer> {
    return this.client.makeServerStreamRequest('/grpc.health.v1.Health/Watch', identity, identity, stringMessage(1, service), new Metadata());
  }

  /** A Watch message's status. */
  statusOf(message: Buffer): ServingStatusName {
    return servingStatus(message);
  }

  /** ServerReflection list_services; rejects with the ServiceError the stream ended with. */
  listServices(token?: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const call = this.client.makeBidiStreamRequest('/grpc.reflection.v1.ServerReflection/ServerReflectionInfo', identity, identity, metadataOf(token));
      call.once('data', (message: Buffer) => {
        resolve(listedServices(message));
        call.end();
      });
      call.once('error', reject);
      call.write(stringMessage(7, '*'));
    });
  }

  close(): void {
    this.client.close();
  }
}
