import { describe, it, expect } from '@jest/globals';
import { CloserStack } from '../src/index.js';
import { captureLogger } from '../src/testing/index.js';

describe('CloserStack', () => {
  it('when closing, then the last opened closes first, a failure is logged, and the rest still close once', async () => {
    const { logger, lines } = captureLogger();
    const stack = new CloserStack(logger);
    const closed: string[] = [];
    stack.add('store', async () => closed.push('store'));
    stack.add('amqp', async () => {
      throw new Error('already gone');
    });
    stack.add('http', async () => closed.push('http'));
    expect(stack.closers.map((c) => c.name)).toEqual(['http', 'amqp', 'store']);

    await Promise.all([stack.closeAll(), stack.closeAll()]);
    expect(closed).toEqual(['http', 'store']);
    expect(lines.filter((l) => l.closer === 'amqp' && l.err === 'already gone')).toHaveLength(1);
  });
});
