/**
 * Deterministic benchmark data: personas of about 1.1 KB each (as the original store writes them,
 * 2-space indented inside the array), evolved by mutating 20% of the population per generation
 * and keeping the rest unchanged, as elitism does. Everything follows from one seed.
 */
import type { Persona } from '../src/index.js'

/** A small, fast, seeded PRNG (mulberry32); Math.random would make runs incomparable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = (
  'art code music garden river city night light story data model signal pattern bridge forest ocean mountain voice ' +
  'market science history travel design craft kitchen machine language dream window paper engine planet friend'
).split(' ')
const OCCUPATIONS = ['Digital Artist', 'Software Engineer', 'Chef', 'Teacher', 'Nurse', 'Architect', 'Journalist', 'Farmer', 'Pilot', 'Librarian']
const TRAITS = ['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism']

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!
}

function words(r: () => number, n: number): string {
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push(pick(r, WORDS))
  return out.join(' ')
}

function traits(r: () => number): Record<string, number> {
  const out: Record<string, number> = {}
  for (const t of TRAITS) out[t] = Math.round(r() * 1e6) / 1e6
  return out
}

/** One persona; about 1.1 KB once serialised with the store's indentation. */
export function makePersona(r: () => number, id: number): Persona {
  return {
    name: `Persona ${id} ${words(r, 1)}`,
    age: 18 + Math.floor(r() * 60),
    occupation: pick(r, OCCUPATIONS),
    backstory: `${words(r, 30)}. ${words(r, 30)}.`,
    core_values: [words(r, 1), words(r, 1), words(r, 1)],
    hobbies: [words(r, 2), words(r, 2), words(r, 2)],
    personality_traits: traits(r),
    communication_style: words(r, 6),
    topical_focus: words(r, 5),
    interaction_policy: words(r, 10),
    goals: [words(r, 6), words(r, 6), words(r, 6)],
  }
}

/** The first generation. */
export function initialPopulation(r: () => number, size: number): Persona[] {
  return Array.from({ length: size }, (_, i) => makePersona(r, i))
}

/** The next generation: a fraction of individuals mutated (new traits, hobby and story), the rest kept as they were. */
export function nextGeneration(r: () => number, population: readonly Persona[], rate = 0.2): Persona[] {
  const out = population.slice()
  const count = Math.round(population.length * rate)
  for (let k = 0; k < count; k++) {
    const i = Math.floor(r() * out.length)
    const p = out[i]!
    out[i] = { ...p, backstory: `${words(r, 30)}. ${p.backstory.slice(p.backstory.indexOf('.') + 2)}`, hobbies: [words(r, 2), ...p.hobbies.slice(1)], personality_traits: traits(r) }
  }
  return out
}

/** One score per individual, derived from its traits so the same data always scores the same. */
export function scoresOf(population: readonly Persona[]): number[] {
  return population.map((p) => {
    const t = p.personality_traits
    return Math.round(((t['openness'] ?? 0) + (t['agreeableness'] ?? 0) - (t['neuroticism'] ?? 0) + 1) * 1e6) / 3e6
  })
}
