import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolMissing } from './tool-missing.js';

export interface TestCertificates {
  dir: string;
  /** The test CA's certificate (PEM): what a client trusts. */
  ca: Buffer;
  /** The server's certificate and key files (PEM), for `localhost` and 127.0.0.1, signed by the CA. */
  certFile: string;
  keyFile: string;
}

/** Why TLS tests cannot run here, or undefined when `openssl` is on the PATH. */
export const opensslMissing = (): string | undefined => toolMissing('openssl', 'Debian: apt-get install openssl');

/** A throw-away CA and a server certificate it signed, made with the openssl CLI, valid for a day. */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'orderpulse-tls-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ecKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '1', '-subj', '/CN=orderpulse test CA');
  openssl('req', ...ecKey, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(
    file('server.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    file('server.ext'),
    '-out',
    file('server.pem'),
  );
  return { dir, ca: readFileSync(file('ca.pem')), certFile: file('server.pem'), keyFile: file('server.key') };
}
