/** The product version, shown in --version and the User-Agent. */
export const VERSION = '0.1.0';
