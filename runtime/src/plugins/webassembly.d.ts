/**
 * The part of the WebAssembly JS API the plugin host uses. The project compiles
 * against lib ES2023 without DOM, and @types/node 20 does not declare it.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
    private readonly brand: 'WebAssembly.Module';
  }
  /** A linear memory; its buffer is detached and replaced when it grows. */
  class Memory {
    readonly buffer: ArrayBuffer;
    private readonly memoryBrand: 'WebAssembly.Memory';
  }
  function compile(bytes: Uint8Array): Promise<Module>;
  /** With a compiled module: its instance (not `{ module, instance }`). */
  function instantiate(module: Module, imports?: object): Promise<{ exports: Record<string, unknown> }>;
}
