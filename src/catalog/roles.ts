import { MembershipParamsSchema } from '../protocols/membership/index.ts'
import { memberActor } from '../actors/member/memberActor.ts'
import { defineRole, type RoleDefinition } from './definitions.ts'

export const memberRole = defineRole({
  role: 'member',
  describe: 'runs membership (SWIM failure detection) and answers echo requests',
  params: MembershipParamsSchema,
  actors: (id, params) => [{ id, def: memberActor(params) }],
})

export const roles: Readonly<Record<string, RoleDefinition>> = { member: memberRole }
