import type { MailKind } from '../domain/mail-kinds.js';
import type { MailDetails } from '../domain/mail-triggers.js';
import { mailCopyFor } from './mail-copy.js';

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

export interface RenderInput {
  kind: MailKind;
  customerName: string;
  orderNumber: string;
  details: MailDetails;
  trackingUrl: string;
  unsubscribeUrl: string;
  now: Date;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every value placed into the HTML goes through this: a customer's name is text, never markup. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** The mail of one kind, as a text part and an HTML part saying the same (the HTML with inline styles, as mail clients need). */
export function renderMail(input: RenderInput): MailContent {
  const copy = mailCopyFor(input.kind, { orderNumber: input.orderNumber, details: input.details, now: input.now });
  const footer = `You get this email because you placed order ${input.orderNumber}.`;
  const text = [
    `Hello ${input.customerName},`,
    '',
    copy.headline,
    '',
    ...copy.paragraphs.flatMap((p) => [p, '']),
    `Track your order: ${input.trackingUrl}`,
    '',
    '-- ',
    footer,
    `No more emails about this order: ${input.unsubscribeUrl}`,
    '',
  ].join('\n');
  return { subject: copy.subject, text, html: renderHtml(input, copy.headline, copy.paragraphs, footer, copy.subject) };
}

function renderHtml(input: RenderInput, headline: string, paragraphs: string[], footer: string, title: string): string {
  const e = escapeHtml;
  const body = paragraphs.map((p) => `<p style="margin:0 0 16px;font-size:16px;line-height:24px;color:#1f2933;">${e(p)}</p>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${e(title)}</title>
</head>
<body style="margin:0;padding:0;background:#f3f5f7;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;">
<div style="display:none;max-height:0;overflow:hidden;">${e(paragraphs[0] ?? headline)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f5f7;padding:24px 12px;">
<tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px;">
<tr><td style="padding:24px 28px 8px;font-size:14px;font-weight:600;letter-spacing:.04em;color:#52606d;">orderpulse · order ${e(input.orderNumber)}</td></tr>
<tr><td style="padding:8px 28px 0;">
<h1 style="margin:0 0 16px;font-size:24px;line-height:32px;color:#102a43;">${e(headline)}</h1>
<p style="margin:0 0 16px;font-size:16px;line-height:24px;color:#1f2933;">Hello ${e(input.customerName)},</p>
${body}
</td></tr>
<tr><td style="padding:8px 28px 28px;">
<a href="${e(input.trackingUrl)}" style="display:inline-block;background:#0b6bcb;color:#ffffff;text-decoration:none;font-size:16px;font-weight:600;padding:12px 24px;border-radius:6px;">Track your order</a>
</td></tr>
</table>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;">
<tr><td style="padding:16px 28px;font-size:13px;line-height:20px;color:#52606d;">${e(footer).replace(e(input.orderNumber), `<span style="white-space:nowrap;">${e(input.orderNumber)}</span>`)}
<a href="${e(input.unsubscribeUrl)}" style="color:#52606d;">No more emails about this order</a></td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}
