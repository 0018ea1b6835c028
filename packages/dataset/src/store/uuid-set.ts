// A set of record ids held as 128-bit numbers in a typed-array hash table: 16 bytes a member (32 at the
// lowest load) where a JS Set of uuid strings takes about 77, which matters for a million-row import.

const WORDS = 4; // 32-bit words per member
const INITIAL_SLOTS = 1024; // a power of two
const EMPTY = 0; // slot marker: free; the nil UUID, whose words are all zero, is kept apart

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = 10 + i;

/**
 * Reads `text` as a UUID in the store's spelling (36 characters, hyphens at 8, 13, 18 and 23, lower-case hex
 * digits) into `out`. Other spellings are other strings, as they are to SQL's `=`.
 */
function parse(text: string, out: Uint32Array): boolean {
  if (text.length !== 36) return false;
  let word = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < 36; i++) {
    const code = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== 45) return false;
      continue;
    }
    const nibble = code < 128 ? HEX[code]! : -1;
    if (nibble < 0) return false;
    value = ((value << 4) | nibble) >>> 0;
    if (++digits === 8) {
      out[word++] = value;
      value = 0;
      digits = 0;
    }
  }
  return true;
}

function hash(words: Uint32Array): number {
  let h = Math.imul(words[0]! ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ words[1]!, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ words[2]!, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ words[3]!, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A set of strings built for record ids: lower-case UUIDs (as the store writes them) are kept as numbers;
 * any other string is kept as it is, in a plain Set. Membership is exact string equality either way.
 */
export class UuidSet {
  #slots = new Uint32Array(INITIAL_SLOTS * WORDS);
  #mask = INITIAL_SLOTS - 1;
  #count = 0;
  #nil = false;
  readonly #other = new Set<string>();
  readonly #key = new Uint32Array(WORDS);

  /** Members in the set. */
  get size(): number {
    return this.#count + (this.#nil ? 1 : 0) + this.#other.size;
  }

  has(id: string): boolean {
    if (!parse(id, this.#key)) return this.#other.has(id);
    if (this.#isNil()) return this.#nil;
    return this.#find(this.#key) >= 0;
  }

  add(id: string): void {
    if (!parse(id, this.#key)) {
      this.#other.add(id);
      return;
    }
    if (this.#isNil()) {
      this.#nil = true;
      return;
    }
    if (this.#find(this.#key) >= 0) return;
    if ((this.#count + 1) * 2 > this.#mask + 1) this.#grow();
    this.#insert(this.#key);
    this.#count++;
  }

  delete(id: string): void {
    if (!parse(id, this.#key)) {
      this.#other.delete(id);
      return;
    }
    if (this.#isNil()) {
      this.#nil = false;
      return;
    }
    let slot = this.#find(this.#key);
    if (slot < 0) return;
    this.#count--;
    // Backward-shift deletion keeps every probe run unbroken without tombstones.
    const slots = this.#slots;
    for (let next = (slot + 1) & this.#mask; this.#occupied(next); next = (next + 1) & this.#mask) {
      const home = hash(slots.subarray(next * WORDS, next * WORDS + WORDS)) & this.#mask;
      // Move the member at `next` into the hole unless its home lies cyclically in (slot, next].
      const stays = slot <= next ? home > slot && home <= next : home > slot || home <= next;
      if (stays) continue;
      slots.copyWithin(slot * WORDS, next * WORDS, next * WORDS + WORDS);
      slot = next;
    }
    slots.fill(EMPTY, slot * WORDS, slot * WORDS + WORDS);
  }

  #isNil(): boolean {
    const key = this.#key;
    return key[0] === 0 && key[1] === 0 && key[2] === 0 && key[3] === 0;
  }

  #occupied(slot: number): boolean {
    const slots = this.#slots;
    const at = slot * WORDS;
    return slots[at] !== EMPTY || slots[at + 1] !== EMPTY || slots[at + 2] !== EMPTY || slots[at + 3] !== EMPTY;
  }

  /** The slot holding `key`, or -1. */
  #find(key: Uint32Array): number {
    const slots = this.#slots;
    for (let slot = hash(key) & this.#mask; this.#occupied(slot); slot = (slot + 1) & this.#mask) {
      const at = slot * WORDS;
      if (slots[at] === key[0] && slots[at + 1] === key[1] && slots[at + 2] === key[2] && slots[at + 3] === key[3]) return slot;
    }
    return -1;
  }

  #insert(key: Uint32Array): void {
    let slot = hash(key) & this.#mask;
    while (this.#occupied(slot)) slot = (slot + 1) & this.#mask;
    this.#slots.set(key, slot * WORDS);
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Uint32Array(old.length * 2);
    this.#mask = old.length / WORDS * 2 - 1;
    for (let at = 0; at < old.length; at += WORDS) {
      if (old[at] !== EMPTY || old[at + 1] !== EMPTY || old[at + 2] !== EMPTY || old[at + 3] !== EMPTY) this.#insert(old.subarray(at, at + WORDS));
    }
  }
}
