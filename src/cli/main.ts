import { Command } from 'commander'
import { registerDescribe } from './commands/describe.ts'
import { registerReplay } from './commands/replay.ts'
import { registerSim } from './commands/sim.ts'

const program = new Command('strata')
  .description(
    'strata — the Chainbase + CESS data network as actors: simulate it deterministically, run its roles as processes, replay its runs.',
  )
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))

registerSim(program)
registerReplay(program)
registerDescribe(program)

program.parse()
