/**
 * The parts of jose (JWT and JWK handling) the local runtime uses, imported only through here.
 *
 * Why a module of its own: jose 6 is published as ES modules only, and the compiled package
 * is CommonJS. Node 20.19+ can `require` an ES module, but Jest's module registry (which runs
 * `startLocalApp` in users' test suites) and older Node 20 releases cannot. So the build
 * (scripts/build.mjs) replaces this module's compiled output with a CommonJS bundle of these
 * exports, and refuses any other compiled file that requires jose directly.
 */
export { SignJWT, createLocalJWKSet, createRemoteJWKSet, errors, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
export type { JSONWebKeySet, JWK, JWTPayload } from 'jose';
