import { describe, expect, it } from 'vitest'
import { Lru } from '../../src/git/lru.js'

describe('Lru', () => {
  it('bounds the total weight, evicting the least recently used first', () => {
    const lru = new Lru<number[]>(10, (v) => v.length)
    lru.set('a', [1, 2, 3, 4])
    lru.set('b', [1, 2, 3, 4])
    expect(lru.get('a')).toHaveLength(4) // a is now the most recent
    lru.set('c', [1, 2, 3, 4]) // 12 > 10: b, the least recent, goes
    expect(lru.get('b')).toBeUndefined()
    expect(lru.get('a')).toHaveLength(4)
    expect(lru.get('c')).toHaveLength(4)
  })

  it('answers has() without counting it as a use', () => {
    const lru = new Lru<number>(2)
    lru.set('a', 1)
    lru.set('b', 2)
    expect(lru.has('a')).toBe(true) // not a use: a stays the least recent
    lru.set('c', 3)
    expect(lru.has('a')).toBe(false)
    expect(lru.has('b')).toBe(true)
    expect(lru.has('c')).toBe(true)
  })

  it('keeps the newest entry even when it alone is over the bound, and counts replacements once', () => {
    const lru = new Lru<number[]>(3, (v) => v.length)
    lru.set('small', [1])
    lru.set('big', [1, 2, 3, 4, 5])
    expect(lru.get('small')).toBeUndefined()
    expect(lru.get('big')).toHaveLength(5)
    lru.set('x', [1])
    lru.set('x', [1, 2])
    lru.set('y', [1])
    expect(lru.get('x')).toHaveLength(2)
    expect(lru.get('y')).toHaveLength(1)
  })

  it('counts entries when no weight is given', () => {
    const lru = new Lru<string>(2)
    lru.set('a', 'A')
    lru.set('b', 'B')
    lru.set('c', 'C')
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual([undefined, 'B', 'C'])
  })
})
