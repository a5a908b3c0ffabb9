/** The loopback port `fledge local up` listens on unless told otherwise. */
export const DEFAULT_LOCAL_PORT = 8642;
