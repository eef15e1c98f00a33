import { describe, expect, it } from '@jest/globals';
import { MAIL_KINDS } from '../src/domain/mail-kinds.js';
import { renderMail, type RenderInput } from '../src/mail/render-mail.js';
import { at } from './support/factories.js';

const base: RenderInput = {
  kind: 'placed',
  customerName: 'Ada Lovelace',
  orderNumber: 'OP-7K2M9Q',
  details: {},
  trackingUrl: 'https://shop.example/track/4f1c?t=abc.def.ghi',
  unsubscribeUrl: 'https://shop.example/api/mail/unsubscribe?t=uns.tok.en',
  now: new Date(at(30)),
};

describe('the mail of each kind', () => {
  it.each(MAIL_KINDS)('when a %s mail is rendered, then text and HTML both name the order and carry the tracking and unsubscribe links', (kind) => {
    const mail = renderMail({ ...base, kind });
    expect(mail.subject).toContain('OP-7K2M9Q');
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('OP-7K2M9Q');
      expect(part).toContain('Ada Lovelace');
    }
    expect(mail.text).toContain(`Track your order: ${base.trackingUrl}`);
    expect(mail.text).toContain(base.unsubscribeUrl);
    expect(mail.html).toContain(`href="${base.trackingUrl}"`);
    expect(mail.html).toContain(`href="${base.unsubscribeUrl}"`);
  });

  it('when the subjects are compared, then each kind has its own', () => {
    const subjects = MAIL_KINDS.map((kind) => renderMail({ ...base, kind }).subject);
    expect(new Set(subjects).size).toBe(MAIL_KINDS.length);
  });

  it('when a customer name or a failure reason holds markup, then the HTML shows it as text', () => {
    const mail = renderMail({ ...base, kind: 'failed', customerName: '<script>alert(1)</script>', details: { failureReason: '<img src=x onerror=alert(2)>' } });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.text).toContain('<img src=x onerror=alert(2)>');
  });

  it('when the rider is 12 minutes away, then the arriving and late mails say so; a past ETA is left out', () => {
    const details = { etaAt: at(42), riderName: 'Rosa' };
    expect(renderMail({ ...base, kind: 'arriving', details }).text).toContain(
      'Rosa is close to your address with order OP-7K2M9Q, arriving in about 12 minutes.',
    );
    expect(renderMail({ ...base, kind: 'late', details }).text).toContain('it is now expected in about 12 minutes');
    expect(renderMail({ ...base, kind: 'late', details: { etaAt: at(10) } }).text).not.toContain('expected in');
  });

  it('when a delivery failed with a reason, then the mail gives it', () => {
    expect(renderMail({ ...base, kind: 'failed', details: { failureReason: 'nobody at the door' } }).text).toContain('did not succeed (nobody at the door).');
  });
});
