/**
 * A small LRU, the one cache of parsed trees and commits. Both are immutable and named by their
 * content, so a hit is always correct and nothing ever needs invalidating. The bound is a total
 * weight: one per entry by default, or what `weigh` says (a tree's entry count), so a cache of
 * big trees stays as small in memory as one of small ones. The newest entry is always kept.
 */
export class Lru<V> {
  private readonly map = new Map<string, V>()
  private total = 0
  constructor(
    private readonly max: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {}

  get(key: string): V | undefined {
    const v = this.map.get(key)
    if (v !== undefined) {
      this.map.delete(key)
      this.map.set(key, v)
    }
    return v
  }

  /** Whether `key` is cached, without counting as a use. */
  has(key: string): boolean {
    return this.map.has(key)
  }

  set(key: string, value: V): void {
    const old = this.map.get(key)
    if (old !== undefined) {
      this.map.delete(key)
      this.total -= this.weigh(old)
    }
    this.map.set(key, value)
    this.total += this.weigh(value)
    while (this.total > this.max && this.map.size > 1) {
      const [oldest, v] = this.map.entries().next().value as [string, V]
      this.map.delete(oldest)
      this.total -= this.weigh(v)
    }
  }
}
