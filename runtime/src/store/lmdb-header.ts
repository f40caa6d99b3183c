/**
 * The two meta pages at the start of an lmdb data file, as lmdb-js 3 writes
 * them (LMDB data version 2, 64-bit builds; mdb.c `MDB_page_header`,
 * `MDB_meta`). lmdb itself checks only the first page's magic and version and
 * then trusts the newer page's page numbers, so a damaged header makes it read
 * outside the file (SIGBUS) or follow a wild pointer (SIGSEGV), or see an
 * empty database and start over. This check runs before lmdb opens the file.
 * Pure: bytes in, a problem description (or undefined) out.
 */

/** Bytes of the file start that `headerProblem` needs at most: two meta pages of the largest page size. */
export const HEADER_READ_BYTES = 2 * 65_536;

const MDB_MAGIC = 0xbeefc0de;
const MDB_DATA_VERSION = 2;
const P_META = 0x08;
/** lmdb's "no page" root of an empty database. */
const P_INVALID = 0xffff_ffff_ffff_ffffn;
/** lmdb's cursor stack depth: a deeper tree cannot be read. */
const CURSOR_STACK = 32;

/** Offsets in a meta page: the page header (24 bytes), then `MDB_meta`. */
const PAGE_NUMBER = 0x00;
const PAGE_FLAGS = 0x12;
const META_MAGIC = 0x18;
const META_VERSION = 0x1c;
const META_PAGE_SIZE = 0x30;
/** `mm_dbs[0]` (free pages) and `mm_dbs[1]` (main database): `MDB_db` records of 48 bytes. */
const DATABASES = [
  { name: 'free-page database', depth: 0x36, root: 0x58 },
  { name: 'main database', depth: 0x66, root: 0x88 },
] as const;
const META_LAST_PAGE = 0x90;
const META_TXNID = 0x98;
const META_END = 0xa8;

/**
 * What is wrong with the header of an lmdb data file of `fileSize` bytes whose
 * first bytes are `head` (at least `min(fileSize, HEADER_READ_BYTES)`), or
 * undefined when both meta pages are sound and point inside the file.
 */
export function headerProblem(head: Uint8Array, fileSize: number): string | undefined {
  if (fileSize === 0) return 'it is empty (0 bytes)';
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.length);
  if (bytes.length < META_END) return `it is ${fileSize} bytes, shorter than an lmdb meta page`;
  const pageSize = bytes.readUInt32LE(META_PAGE_SIZE);
  if (pageSize < 512 || pageSize > 65_536 || (pageSize & (pageSize - 1)) !== 0) return `meta page 0 gives a page size of ${pageSize} bytes`;
  if (fileSize < 2 * pageSize || bytes.length < pageSize + META_END) return `it is ${fileSize} bytes, shorter than its two ${pageSize}-byte meta pages`;
  const pagesInFile = BigInt(Math.floor(fileSize / pageSize));
  for (const index of [0, 1]) {
    const problem = metaProblem(bytes, index, pageSize, pagesInFile);
    if (problem !== undefined) return `meta page ${index}: ${problem}`;
  }
  return undefined;
}

function metaProblem(bytes: Buffer, index: number, pageSize: number, pagesInFile: bigint): string | undefined {
  const at = index * pageSize;
  if (bytes.readBigUInt64LE(at + PAGE_NUMBER) !== BigInt(index)) return `its page number is ${bytes.readBigUInt64LE(at + PAGE_NUMBER)}`;
  if ((bytes.readUInt16LE(at + PAGE_FLAGS) & P_META) === 0) return 'it is not marked as a meta page';
  const magic = bytes.readUInt32LE(at + META_MAGIC);
  if (magic !== MDB_MAGIC) return `magic 0x${magic.toString(16)}, not lmdb's 0x${MDB_MAGIC.toString(16)}`;
  const version = bytes.readUInt32LE(at + META_VERSION) & 0xffff;
  if (version !== MDB_DATA_VERSION) return `data version ${version}, this lmdb reads version ${MDB_DATA_VERSION}`;
  if (bytes.readUInt32LE(at + META_PAGE_SIZE) !== pageSize) return `page size ${bytes.readUInt32LE(at + META_PAGE_SIZE)}, meta page 0 says ${pageSize}`;
  const lastPage = bytes.readBigUInt64LE(at + META_LAST_PAGE);
  if (lastPage < 1n) return `last page ${lastPage}`;
  if (bytes.readBigUInt64LE(at + META_TXNID) === P_INVALID) return 'transaction id is all ones';
  for (const db of DATABASES) {
    const root = bytes.readBigUInt64LE(at + db.root);
    const depth = bytes.readUInt16LE(at + db.depth);
    if (root === P_INVALID) {
      if (depth !== 0) return `the empty ${db.name} has depth ${depth}`;
      continue;
    }
    if (root < 2n || root > lastPage) return `the ${db.name} root is page ${root}, outside pages 2..${lastPage}`;
    // A root past the end of the file would be read through the map: SIGBUS.
    if (root >= pagesInFile) return `the ${db.name} root is page ${root}, but the file has ${pagesInFile} pages (truncated?)`;
    if (depth < 1 || depth > CURSOR_STACK) return `the ${db.name} has depth ${depth}, not 1..${CURSOR_STACK}`;
  }
  return undefined;
}
