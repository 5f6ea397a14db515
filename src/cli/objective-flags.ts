import { InvalidArgumentError as CommanderArgumentError } from 'commander'
import { OBJECTIVE_NAME, parseObjectiveFlag, type ObjectiveSpec } from '../model/objectives.js'

/** Commander collector for a repeatable `--objective NAME:max|min[:REFERENCE]`. */
export function objectiveFlag(text: string, previous: [string, ObjectiveSpec][] = []): [string, ObjectiveSpec][] {
  try {
    return [...previous, parseObjectiveFlag(text)]
  } catch (err) {
    throw new CommanderArgumentError((err as Error).message)
  }
}

/** `--objective NAME` on reading commands: just a name. */
export function objectiveNameArgument(text: string): string {
  if (!OBJECTIVE_NAME.test(text)) throw new CommanderArgumentError(`expected an objective name matching ${OBJECTIVE_NAME.source}, received ${JSON.stringify(text)}`)
  return text
}

/** Collected `--objective` flags as the library's `objectives` option. */
export function objectivesOf(flags: readonly [string, ObjectiveSpec][] | undefined): Record<string, ObjectiveSpec> | undefined {
  if (!flags || flags.length === 0) return undefined
  return Object.fromEntries(flags)
}
