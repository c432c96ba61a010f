import { membershipBenchmark } from './membership.ts'
console.log(membershipBenchmark())
