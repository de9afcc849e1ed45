import { SignJWT } from 'jose';

/** One entry of an update notification: the resource and window that changed, and its Find URL. */
export interface UpdateNotice {
  resource: string;
  from: string;
  to: string;
  href: string;
}

export interface NotifyCredentials {
  /** The client id and secret we gave Welkin for signing notifications. */
  clientId: string;
  secret: string;
}

/** The Bearer JWT Welkin signs a notification with: HS256, `iss` = client id, `aud` = the notify URL. */
export async function notificationJwt(
  notifyUrl: string,
  credentials: NotifyCredentials,
  lifetimeSeconds = 300,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: 'welkin' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(credentials.clientId)
    .setAudience(notifyUrl)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetimeSeconds)
    .sign(new TextEncoder().encode(credentials.secret));
}

/** "Ping": POSTs the list of changed windows to the notify URL, as Welkin does. Returns the status. */
export async function sendUpdateNotification(
  notifyUrl: string,
  notices: UpdateNotice[],
  credentials: NotifyCredentials,
): Promise<number> {
  const response = await fetch(notifyUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await notificationJwt(notifyUrl, credentials)}`,
    },
    body: JSON.stringify(notices),
  });
  await response.arrayBuffer();
  return response.status;
}
