import { Reader } from './reader.js';

/**
 * The rest of a structure whose length field covers the whole structure from
 * `start` (a flow stats entry, a table-features record, a property, an id): a
 * child reader from the cursor to `start + length`, with `r` moved past it.
 *
 * The length comes from the wire, so it is checked here once: below `minimum`
 * (the fixed part, which must cover everything read since `start`) or past the end
 * of `r` fails naming `field` at `lengthAt`, the offset of the length field itself,
 * so the error points at the lying bytes rather than at whatever follows them.
 */
export function lengthBounded(r: Reader, start: number, lengthAt: number, length: number, minimum: number, field: string): Reader {
  if (length < minimum) r.fail(field, `${length} is below the minimum ${minimum}`, lengthAt);
  const end = start + length;
  if (end > r.end) r.fail(field, `says ${length} bytes, only ${r.end - start} left`, lengthAt);
  const body = new Reader(r.buf, r.pos, end, r.context, r.base);
  r.pos = end;
  return body;
}
