import type { Sidecar } from '../../model/sidecar.js'
import type { Direction, ObjectiveInfo } from '../../report/model.js'

/**
 * The direction of each objective. Reads, loosely, what a sidecar may record about directions
 * (`directions: { loss: 'min' }` or `objectives: { loss: { direction: 'min' } }`); an objective
 * nobody declared is `max`, which is what `best` has meant in evogit so far.
 */
export function objectiveDirections(names: readonly string[], sidecar: Sidecar | null): ObjectiveInfo[] {
  const raw = (sidecar ?? {}) as Record<string, unknown>
  const recorded = (name: string): Direction | null => {
    const directions = raw['directions']
    if (isRecord(directions) && (directions[name] === 'min' || directions[name] === 'max')) return directions[name]
    const objectives = raw['objectives']
    const entry = isRecord(objectives) ? objectives[name] : undefined
    if (isRecord(entry) && (entry['direction'] === 'min' || entry['direction'] === 'max')) return entry['direction']
    return null
  }
  return names.map((name) => {
    const direction = recorded(name)
    return direction ? { name, direction, directionSource: 'sidecar' } : { name, direction: 'max', directionSource: 'default' }
  })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
