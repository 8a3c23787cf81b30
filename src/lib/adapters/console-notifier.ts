/** Notifier for local runs: the text report, printed where the caller says (stdout in the CLI). */
import type { Notifier, NotifyResult } from '../ports.js';
import type { Report } from '../report/model.js';
import { renderText, type TextOptions } from '../report/render-text.js';

export class ConsoleNotifier implements Notifier {
  readonly channel = 'console';
  readonly #write: (text: string) => void;
  readonly #options: TextOptions;

  constructor(write: (text: string) => void, options: TextOptions = {}) {
    this.#write = write;
    this.#options = options;
  }

  async notify(report: Report): Promise<NotifyResult> {
    this.#write(renderText(report, this.#options));
    return { channel: this.channel, truncated: false };
  }
}
