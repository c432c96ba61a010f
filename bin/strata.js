#!/usr/bin/env node
// strata ships as TypeScript and runs through tsx's loader: no build step between an
// edit and a run, for users who read and change the protocols.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
