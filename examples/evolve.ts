/**
 * A small, real evolutionary run over personas: seeded mutation and crossover, a fitness that
 * rewards fitting a target profile and staying diverse, one committed generation per step.
 * No network, no LLM; runs in seconds. Started again, it resumes from the last committed
 * generation with the saved settings and RNG state, instead of starting over at 0.
 *
 *   node dist/examples/evolve.js [--dir persona_data] [--generations 15] [--population 24] [--seed 7] [--mutation-rate 0.2]
 *   node dist/examples/evolve.js --branch high-mutation --from 2 --mutation-rate 0.9   # fork an experiment at generation 2
 *
 * Settings flags given on a resume override the saved settings from the next generation on
 * (the population size is fixed for a run); a flag equal to the saved value changes nothing.
 */
import { parseArgs } from 'node:util'
import { EvogitError, openStore, personaSchema, type Persona, type Store } from '../src/index.js'

const VOCAB = {
  occupation: ['Digital Artist', 'Software Engineer', 'Chef', 'Marine Biologist', 'Teacher', 'Journalist', 'Nurse', 'Urban Planner'],
  value: ['creativity', 'freedom', 'honesty', 'curiosity', 'community', 'craft', 'justice', 'patience', 'humour'],
  hobby: ['sketching', 'climbing', 'baking', 'chess', 'birdwatching', 'running', 'poetry', 'gardening', 'synths'],
  style: ['enthusiastic and visual', 'dry and precise', 'warm and chatty', 'terse', 'socratic', 'playful'],
  focus: ['digital art trends', 'open source', 'food science', 'ocean health', 'education policy', 'local news'],
  policy: ["compliment others' work", 'ask follow-up questions', 'share sources', 'disagree politely', 'stay on topic'],
  goal: ['become famous', 'inspire others', 'learn daily', 'build a community', 'fix one thing a week', 'write a book'],
  first: ['Alice', 'Bob', 'Chen', 'Dana', 'Emeka', 'Farah', 'Goran', 'Hana', 'Ilse', 'Jun', 'Kofi', 'Lena'],
}
const TRAITS = ['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism'] as const
const TARGET: Record<(typeof TRAITS)[number], number> = { openness: 0.9, conscientiousness: 0.7, extraversion: 0.6, agreeableness: 0.8, neuroticism: 0.2 }

/** Settings that define a run; saved in every generation's meta so a resume uses exactly these. */
interface Settings {
  populationSize: number
  mutationRate: number
  eliteCount: number
  tournament: number
  seed: number
}

/** mulberry32: tiny, fast, and its whole state is one 32-bit integer we can save and restore. */
class Rng {
  constructor(public state: number) {}
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  int(n: number): number {
    return Math.floor(this.next() * n)
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }
  some<T>(items: readonly T[], k: number): T[] {
    const pool = [...items]
    const out: T[] = []
    while (out.length < k && pool.length > 0) out.push(pool.splice(this.int(pool.length), 1)[0]!)
    return out
  }
}

const round = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 100) / 100

function randomPersona(rng: Rng, id: number): Persona {
  return {
    name: `${rng.pick(VOCAB.first)} #${id}`,
    age: 18 + rng.int(50),
    occupation: rng.pick(VOCAB.occupation),
    backstory: `Grew up wanting to be a ${rng.pick(VOCAB.occupation).toLowerCase()}.`,
    core_values: rng.some(VOCAB.value, 2),
    hobbies: rng.some(VOCAB.hobby, 2),
    personality_traits: Object.fromEntries(TRAITS.map((t) => [t, round(rng.next())])),
    communication_style: rng.pick(VOCAB.style),
    topical_focus: rng.pick(VOCAB.focus),
    interaction_policy: rng.pick(VOCAB.policy),
    goals: rng.some(VOCAB.goal, 2),
  }
}

function mutate(rng: Rng, p: Persona, rate: number): Persona {
  const out: Persona = { ...p, personality_traits: { ...p.personality_traits } }
  for (const t of TRAITS) if (rng.next() < rate) out.personality_traits[t] = round((out.personality_traits[t] ?? 0.5) + (rng.next() - 0.5) * 0.4)
  if (rng.next() < rate) out.occupation = rng.pick(VOCAB.occupation)
  if (rng.next() < rate) out.communication_style = rng.pick(VOCAB.style)
  if (rng.next() < rate) out.core_values = rng.some(VOCAB.value, 2)
  if (rng.next() < rate) out.hobbies = rng.some(VOCAB.hobby, 2)
  if (rng.next() < rate) out.age = Math.max(18, Math.min(80, out.age + rng.int(7) - 3))
  return out
}

function crossover(rng: Rng, a: Persona, b: Persona, id: number): Persona {
  const child = { ...a, personality_traits: {} as Record<string, number> }
  for (const key of ['occupation', 'backstory', 'core_values', 'hobbies', 'communication_style', 'topical_focus', 'interaction_policy', 'goals'] as const) {
    if (rng.next() < 0.5) (child as Record<string, unknown>)[key] = b[key]
  }
  for (const t of TRAITS) child.personality_traits[t] = rng.next() < 0.5 ? (a.personality_traits[t] ?? 0.5) : (b.personality_traits[t] ?? 0.5)
  child.name = `${rng.pick(VOCAB.first)} #${id}`
  return child
}

/**
 * Three objectives: `distance` to the target profile (a loss, declared `min`), `diversity` (how
 * unlike the rest a persona is, `max`), and the blended `score` selection uses (`max`, primary).
 */
function evaluate(pop: Persona[]): { score: number[]; distance: number[]; diversity: number[] } {
  const vec = (p: Persona) => TRAITS.map((t) => p.personality_traits[t] ?? 0.5)
  const vectors = pop.map(vec)
  const distance = vectors.map((v) => Math.round(Math.sqrt(v.reduce((s, x, i) => s + (x - TARGET[TRAITS[i]!]) ** 2, 0) / TRAITS.length) * 1e4) / 1e4)
  const diversity = vectors.map((v, i) => {
    let sum = 0
    for (let j = 0; j < vectors.length; j++) if (j !== i) sum += Math.sqrt(v.reduce((s, x, k) => s + (x - vectors[j]![k]!) ** 2, 0))
    return sum / Math.max(1, vectors.length - 1) / Math.sqrt(TRAITS.length)
  })
  const score = distance.map((d, i) => Math.round((0.8 * (1 - d) + 0.2 * diversity[i]!) * 1e4) / 1e4)
  return { score, distance, diversity }
}

/** Who made whom, one entry per individual: evogit records it in the sidecar (names are unique ids here). */
type Lineage = { id: string; parents: { generation: number; id: string }[]; op?: string }[]

function nextGeneration(rng: Rng, pop: Persona[], scores: readonly (number | null)[], s: Settings, nextId: () => number, generation: number): { population: Persona[]; lineage: Lineage } {
  // A failed evaluation (a null score) ranks last rather than stopping the run.
  const ranked = pop.map((p, i) => ({ p, f: scores[i] ?? -Infinity })).sort((a, b) => b.f - a.f)
  const out = ranked.slice(0, s.eliteCount).map((r) => r.p)
  const parent = (p: Persona) => ({ generation, id: p.name })
  const lineage: Lineage = out.map((p) => ({ id: p.name, parents: [parent(p)], op: 'elite' }))
  const select = () => {
    let best = ranked[rng.int(ranked.length)]!
    for (let k = 1; k < s.tournament; k++) {
      const c = ranked[rng.int(ranked.length)]!
      if (c.f > best.f) best = c
    }
    return best.p
  }
  while (out.length < s.populationSize) {
    const [a, b] = [select(), select()]
    const child = mutate(rng, crossover(rng, a, b, nextId()), s.mutationRate)
    out.push(child)
    // A tournament can pick the same parent twice: then the child is a mutant of that one.
    lineage.push(a === b ? { id: child.name, parents: [parent(a)], op: 'mutation' } : { id: child.name, parents: [parent(a), parent(b)], op: 'crossover' })
  }
  return { population: out, lineage }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: 'persona_data' },
      generations: { type: 'string', default: '15' },
      // Settings have no parseArgs defaults: on a resume, only the flags actually given override.
      population: { type: 'string' },
      seed: { type: 'string' },
      'mutation-rate': { type: 'string' },
      branch: { type: 'string' },
      from: { type: 'string' },
    },
  })
  // Directions are committed with the first save, so `evogit log` and `branches` agree on "best".
  const store = await openStore({ dir: values.dir, schema: personaSchema, objectives: { score: 'max', distance: 'min', diversity: 'max' }, primary: 'score' })
  if (values.branch !== undefined) await switchBranch(store, values.branch, values.from)
  else if (values.from !== undefined) throw new Error('--from needs --branch: it names the generation the new branch forks at')
  const overrides: Partial<Settings> = {
    ...(values.population === undefined ? {} : { populationSize: numberFlag('population', values.population) }),
    ...(values['mutation-rate'] === undefined ? {} : { mutationRate: numberFlag('mutation-rate', values['mutation-rate']) }),
    ...(values.seed === undefined ? {} : { seed: numberFlag('seed', values.seed) }),
  }
  // The population size is fixed for a run: selection and elitism assume it (the store refuses the override).
  const point = await store.resume({ overrides, locked: ['populationSize'] })
  let settings: Settings
  let rng: Rng
  let population: Persona[]
  let lineage: Lineage
  let start: number
  let nextName: number
  if (point === null) {
    settings = { populationSize: 24, mutationRate: 0.2, eliteCount: 2, tournament: 3, seed: 7, ...overrides }
    rng = new Rng(settings.seed)
    population = Array.from({ length: settings.populationSize }, (_, i) => randomPersona(rng, i))
    lineage = population.map((p) => ({ id: p.name, parents: [] }))
    nextName = settings.populationSize
    start = 0
    console.log(`new run in ${store.dir} (seed ${settings.seed}, population ${settings.populationSize}, mutation rate ${settings.mutationRate})`)
  } else {
    // Resume exactly: same settings (plus the overrides given), same RNG state, next generation id. Never restart at 0.
    const meta = point.meta as { settings?: Settings; rngState: number; nextName: number } | null
    const scores = point.sidecar?.scores['score']
    if (!meta?.settings || !scores) throw new Error(`generation ${point.generation} has no evolution settings or scores in its metadata; cannot resume`)
    settings = point.settings.effective as unknown as Settings
    // A new seed starts a new random stream; otherwise the saved RNG state continues exactly.
    rng = new Rng(point.settings.changed.some((c) => c.key === 'seed') ? settings.seed : meta.rngState)
    nextName = meta.nextName
    ;({ population, lineage } = nextGeneration(rng, point.population, scores, settings, () => nextName++, point.generation))
    start = point.generation + 1
    console.log(`resuming ${store.dir} at generation ${start} (branch ${point.ref})`)
    for (const c of point.settings.changed) console.log(`settings changed: ${c.key} ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`)
  }
  const count = Number(values.generations)
  for (let g = start; g < start + count; g++) {
    const scores = evaluate(population)
    const saved = await store.saveGeneration(g, population, {
      scores,
      meta: { settings, rngState: rng.state, nextName },
      lineage,
    })
    const best = saved.stats['score']!
    const distance = saved.stats['distance']!
    console.log(`generation ${String(g).padStart(3)}  best ${best.best!.toFixed(4)}  mean ${best.mean!.toFixed(4)}  closest ${distance.best!.toFixed(4)}  commit ${saved.commit.slice(0, 10)}`)
    ;({ population, lineage } = nextGeneration(rng, population, scores.score, settings, () => nextName++, g))
  }
  console.log(`\n${start + count} generations in ${store.dir}. Run again to continue; try: git -C ${values.dir} log --oneline | head`)
}

function numberFlag(name: string, text: string): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`--${name} must be a number, received ${JSON.stringify(text)}`)
  return value
}

/** `--branch NAME [--from N]`: check out NAME, creating it at generation N (or the tip) when it does not exist yet. */
async function switchBranch(store: Store<Persona>, name: string, from: string | undefined): Promise<void> {
  const exists = (await store.branches()).some((b) => b.name === name)
  if (exists) {
    if (from !== undefined) throw new Error(`branch ${name} already exists; drop --from to continue it, or pick a new name`)
    if ((await store.currentBranch()) !== name) await store.checkout(name)
    return
  }
  const summary = await store.branch(name, { ...(from === undefined ? {} : { from: numberFlag('from', from) }), checkout: true })
  console.log(`branched ${name} from ${summary.forkedFrom?.branch ?? 'HEAD'} at generation ${summary.forkedFrom?.generation ?? summary.latestGeneration}`)
}

try {
  await main()
} catch (err) {
  // A store error is the user's to act on (a refused flag, a file in the way): say what and how, not a stack trace.
  if (!(err instanceof EvogitError)) throw err
  const files = err.code === 'E_DIRTY_WORKTREE' ? ((err.data as { files?: string[] }).files ?? []) : []
  const generations = files.flatMap((f) => /^gen_(\d+)\.json$/.exec(f)?.[1] ?? [])
  console.error(`evolve: ${err.message} (${err.code})`)
  if (generations.length > 0) {
    console.error(`next: another program wrote ${files.join(', ')}; commit it as it is with \`evogit add ${generations.join(' ')} --dir ${dirOf(process.argv)}\` (evogit status lists such files), or move it away, then run again`)
  }
  // A refused flag (E_INVALID_OVERRIDE and friends) is a usage error, as in the CLI.
  process.exitCode = err.category === 'usage' ? 2 : 1
}

function dirOf(argv: string[]): string {
  const at = argv.indexOf('--dir')
  return at >= 0 && argv[at + 1] ? argv[at + 1]! : 'persona_data'
}
