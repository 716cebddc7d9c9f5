import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTerminal } from './terminal.ts';

const ERASE = '\r\u001b[2K';

function capture(tty: boolean): { chunks: string[]; terminal: ReturnType<typeof createTerminal> } {
  const chunks: string[] = [];
  return { chunks, terminal: createTerminal({ write: (chunk) => chunks.push(chunk), tty }) };
}

void describe('terminal', () => {
  void test('off a terminal, writes lines only and ignores the status line', () => {
    const { chunks, terminal } = capture(false);
    terminal.line('one');
    terminal.status('» status');
    terminal.line('two');
    terminal.clearStatus();
    assert.deepEqual(chunks, ['one\n', 'two\n']);
  });

  void test('on a terminal, draws the status line below the transcript and redraws it', () => {
    const { chunks, terminal } = capture(true);
    terminal.line('one');
    terminal.status('» s1');
    terminal.line('two');
    terminal.status('» s2');
    terminal.clearStatus();
    assert.deepEqual(chunks, ['one\n', `${ERASE}» s1`, `${ERASE}two\n» s1`, `${ERASE}» s2`, ERASE]);
  });

  void test('after clearStatus, lines are written plainly again', () => {
    const { chunks, terminal } = capture(true);
    terminal.status('» s');
    terminal.clearStatus();
    terminal.line('after');
    assert.equal(chunks.at(-1), 'after\n');
  });
});
