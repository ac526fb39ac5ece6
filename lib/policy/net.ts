/** IPv4/IPv6 CIDR parsing and containment (for NetworkPolicy ipBlocks). */

/** A parsed CIDR. */
export interface Cidr {
  readonly family: 4 | 6;
  /** Network address as an integer. */
  readonly address: bigint;
  readonly prefix: number;
}

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function parseIPv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): string[] | undefined => {
    if (h === '') return [];
    const g = h.split(':');
    const last = g[g.length - 1];
    if (last.includes('.')) {
      const v4 = parseIPv4(last);
      if (v4 === undefined) return undefined;
      g.splice(g.length - 1, 1, ((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16));
    }
    return g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? g : undefined;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let v = 0n;
  for (const g of all) v = (v << 16n) | BigInt(parseInt(g, 16));
  return v;
}

/** Parses `a.b.c.d/n` or an IPv6 CIDR; `undefined` when malformed. The address is masked to the prefix. */
export function parseCidr(s: string): Cidr | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  const prefix = Number(m[2]);
  const v4 = parseIPv4(m[1]);
  if (v4 !== undefined) {
    if (prefix > 32) return undefined;
    return { family: 4, address: mask(v4, prefix, 32), prefix };
  }
  const v6 = parseIPv6(m[1]);
  if (v6 !== undefined) {
    if (prefix > 128) return undefined;
    return { family: 6, address: mask(v6, prefix, 128), prefix };
  }
  return undefined;
}

function mask(v: bigint, prefix: number, width: number): bigint {
  const hostBits = BigInt(width - prefix);
  return (v >> hostBits) << hostBits;
}

/** True when every address of `inner` is inside `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  if (inner.family !== outer.family || inner.prefix < outer.prefix) return false;
  const width = inner.family === 4 ? 32 : 128;
  return mask(inner.address, outer.prefix, width) === outer.address;
}

/** True when `host` is an IPv4 literal. */
export function ipv4Literal(host: string): bigint | undefined {
  return parseIPv4(host);
}
