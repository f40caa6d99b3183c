// The host interfaces of wit/plugin.wit as componentize-qjs exposes them to the
// guest: one ES module per interface, named `<package>/<interface>@<version>`.
// Use the typed wrappers in host.ts; these declarations only let tsc see the modules.

declare module 'sdn:plugin/log@0.2.0' {
  export function log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

declare module 'sdn:plugin/clock@0.2.0' {
  export function nowMs(): number;
}

declare module 'sdn:plugin/openflow@0.2.0' {
  export function send(commands: readonly object[]): void;
}

declare module 'sdn:plugin/pubsub@0.2.0' {
  export function publish(subject: string, payload: Uint8Array): void;
}

declare module 'sdn:plugin/kv@0.2.0' {
  const kv: {
    get(key: Uint8Array): Uint8Array | null;
    put(key: Uint8Array, value: Uint8Array): void;
    delete(key: Uint8Array): void;
  };
  export default kv;
}
