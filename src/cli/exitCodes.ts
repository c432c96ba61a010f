/** 0: all good. 1: a check failed or two runs diverged. 2: bad input (file, flag, scenario). */
export const EXIT_OK = 0
export const EXIT_CHECK_FAILED = 1
export const EXIT_BAD_INPUT = 2
