/** A configuration Tollgate cannot start with; the message names the variable or file entry. */
export class ConfigError extends Error {}
