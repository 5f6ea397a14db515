import { objectiveLabel } from '../../model/objectives.js'
import type { PopulationDiff } from '../../index.js'
import type { Style } from './color.js'
import { formatDelta, formatScore, inlineValue, plural, shortCommit } from './numbers.js'

/** How a side of a diff is named on screen: `main:3`. */
export function sideLabel(side: { ref: string; generation: number }): string {
  return `${side.ref}:${side.generation}`
}

/** `personality_traits.openness`, `hobbies[2]`; the empty path is the individual itself. */
export function fieldPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(whole individual)'
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('')
}

/**
 * A readable summary of a population diff: who was added, removed or changed (with each
 * changed field, old → new), the counts, and how each objective's statistics moved.
 *
 * @example
 * ```ts
 * process.stdout.write(renderDiff({ diff: await store.diff(2, { ref: 'exp', generation: 4 }), style }))
 * ```
 */
export function renderDiff<T>(options: { diff: PopulationDiff<T>; style: Style; maxFields?: number }): string {
  const { diff, style } = options
  const maxFields = options.maxFields ?? 8
  const lines: string[] = []
  lines.push(
    `${style.bold(sideLabel(diff.from))} ${style.dim(`(${shortCommit(diff.from.commit)})`)} → ${style.bold(sideLabel(diff.to))} ${style.dim(`(${shortCommit(diff.to.commit)})`)}` +
      style.dim(`  individuals matched by ${diff.key}${diff.note ? ` (${diff.note.replace(/; individuals matched by .*$/, '')})` : ''}`),
  )
  const byLineage = diff.lineage !== null
  for (const { key } of diff.added) lines.push(style.green(`  + ${key}`) + (byLineage ? style.dim('  newcomer') : ''))
  for (const { key } of diff.removed) lines.push(style.red(`  - ${key}`) + (byLineage ? style.dim('  left no child') : ''))
  for (const { key, fields, from, parents, kind } of diff.changed) {
    const others = (parents ?? []).filter((p) => p !== from)
    const origin = from === undefined ? '' : style.dim(`  ${kind ?? 'changed'} from ${from}${others.length > 0 ? ` × ${others.join(', ')}` : ''}`)
    lines.push(style.yellow(`  ~ ${key}`) + origin)
    for (const change of fields.slice(0, maxFields)) {
      lines.push(`      ${fieldPath(change.path)}: ${style.red(inlineValue(change.old))} → ${style.green(inlineValue(change.new))}`)
    }
    if (fields.length > maxFields) lines.push(style.dim(`      … and ${plural(fields.length - maxFields, 'more field')}`))
  }
  const s = diff.lineage
  lines.push(
    s
      ? `${plural(s.elitesKept, 'elite')} kept, ${s.mutated} mutated, ${plural(s.crossovers, 'crossover')}, ${plural(s.newcomers, 'newcomer')}; ${s.removed} removed (left no child)`
      : `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.unchanged} unchanged`,
  )
  for (const [objective, s] of Object.entries(diff.stats)) {
    const part = (name: 'best' | 'mean', verdict = '') => `${name} ${formatScore(s.from?.[name])} → ${formatScore(s.to?.[name])} (${formatDelta(s.delta[name])}${verdict})`
    // "Better" follows the direction: for a loss, a lower best is the improvement.
    const verdict = s.improved === null || s.delta.best === 0 ? '' : s.improved ? ', better' : ', worse'
    const failed = (s.from?.failed ?? 0) > 0 || (s.to?.failed ?? 0) > 0 ? `, failed ${s.from?.failed ?? '—'} → ${s.to?.failed ?? '—'}` : ''
    lines.push(`${objectiveLabel(objective, s.direction)}: ${part('best', verdict)}, ${part('mean')}${failed}`)
  }
  const meta = diff.meta
  if (meta.length > 0) {
    lines.push(`meta: ${plural(meta.length, 'key')} ${meta.length === 1 ? 'differs' : 'differ'}`)
    for (const change of meta) lines.push(`  meta.${fieldPath(change.path)}: ${style.red(inlineValue(change.old))} → ${style.green(inlineValue(change.new))}`)
  }
  return lines.join('\n') + '\n'
}
