import type { AedesOptions } from 'aedes';

export interface Login {
  clientId: string;
  username: string | undefined;
  password: string | undefined;
  accepted: boolean;
}

/**
 * An Aedes `authenticate` hook that asks `accept` about every CONNECT and records each one, so
 * tests can see exactly what a client presented. A refusal is CONNACK "not authorized" (5).
 */
export function recordingAuthenticator(accept: (username: string | undefined, password: string | undefined) => Promise<boolean>) {
  const logins: Login[] = [];
  const authenticate: NonNullable<AedesOptions['authenticate']> = (client, username, password, done) => {
    const presented = password?.toString('utf8');
    const refuse = () => done(Object.assign(new Error('not authorized'), { returnCode: 5 as const }), false);
    void accept(username, presented).then(
      (accepted) => {
        logins.push({ clientId: client.id, username, password: presented, accepted });
        if (accepted) done(null, true);
        else refuse();
      },
      refuse,
    );
  };
  return { authenticate, logins };
}
