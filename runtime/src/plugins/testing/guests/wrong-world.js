// Test guest for a different world (test:other, `handle: func(x: u32) -> u32`).
export function handle(x) {
  return x + 1;
}
