import type { Command } from 'commander'
import { catalog } from '../../catalog/index.ts'

/** Lists what a scenario can name, so users need not read the source to write one. */
export const registerDescribe = (program: Command): void => {
  program
    .command('describe')
    .description('list the roles, workloads and checks a scenario can use')
    .action(() => {
      const section = (title: string, entries: [string, string][]) => {
        const width = Math.max(...entries.map(([name]) => name.length))
        process.stdout.write(`${title}\n${entries.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`).join('\n')}\n\n`)
      }
      section('roles', Object.values(catalog.roles).map((r) => [r.role, r.describe]))
      section('workloads', Object.values(catalog.workloads).map((w) => [w.type, w.describe]))
      section('checks', Object.values(catalog.checks).map((c) => [c.type, c.describe]))
      process.stdout.write('The scenario format is documented in docs/scenario-format.md.\n')
    })
}
