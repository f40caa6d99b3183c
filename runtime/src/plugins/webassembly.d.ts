/**
 * The part of the WebAssembly JS API the plugin host uses. The project compiles
 * against lib ES2023 without DOM, and @types/node 20 does not declare it.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
    private readonly brand: 'WebAssembly.Module';
  }
  function compile(bytes: Uint8Array): Promise<Module>;
}
