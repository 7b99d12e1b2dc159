import { compact } from '../core/metadata';
import { integerProblems, problem } from '../core/validation/problems';

/** When a post-backup or post-restore hook runs. */
export enum HookExecutionPolicy {
  /** After every session. */
  ALWAYS = 'Always',
  /** Only after a successful session. */
  ON_SUCCESS = 'OnSuccess',
  /** Only after a failed session. */
  ON_FAILURE = 'OnFailure',
  /** Only after the last retry of a session failed (backups only). */
  ON_FINAL_RETRY_FAILURE = 'OnFinalRetryFailure',
}

/** Scheme of an HTTP hook. */
export enum HttpScheme {
  HTTP = 'HTTP',
  HTTPS = 'HTTPS',
}

/** Options of every hook. */
export interface HookOptions {
  /**
   * Container to run an exec hook in, in the target pod.
   * @default - the first container
   */
  readonly containerName?: string;
  /**
   * When a post hook runs. Not allowed on pre hooks.
   * @default - Stash's default (Always)
   */
  readonly executionPolicy?: HookExecutionPolicy;
}

/** Options of `Hook.httpGet()`. */
export interface HttpHookOptions extends HookOptions {
  /** Port to call. */
  readonly port: number;
  /**
   * Path of the request.
   * @default '/'
   */
  readonly path?: string;
  /**
   * Host to call.
   * @default - the target pod's IP
   */
  readonly host?: string;
  /**
   * HTTP or HTTPS.
   * @default HttpScheme.HTTP
   */
  readonly scheme?: HttpScheme;
  /**
   * Request headers (never credentials: they land in Git).
   * @default - none
   */
  readonly headers?: { [name: string]: string };
}

/** Options of `Hook.httpPost()`. */
export interface HttpPostHookOptions extends HttpHookOptions {
  /**
   * Request body.
   * @default - empty
   */
  readonly body?: string;
}

/** Options of `Hook.tcpSocket()`. */
export interface TcpHookOptions extends HookOptions {
  /**
   * Host to connect to.
   * @default - the target pod's IP
   */
  readonly host?: string;
}

/**
 * An action Stash runs before or after a backup or restore (for example, flush tables, or
 * notify a webhook). Create one with a static factory:
 *
 * ```ts
 * Hook.exec(['/bin/sh', '-c', 'mysql -e "FLUSH TABLES"'])
 * Hook.httpPost({ host: 'hooks.example.com', port: 443, scheme: HttpScheme.HTTPS, path: '/backup-done',
 *   executionPolicy: HookExecutionPolicy.ON_FAILURE })
 * ```
 */
export class Hook {
  /** Run a command in the target's pod. */
  public static exec(command: string[], options: HookOptions = {}): Hook {
    return new Hook({ exec: { command: [...command] } }, options,
      command.length === 0 ? [problem('exec.command', 'is empty', 'pass the command and its arguments, e.g. ["/bin/sh", "-c", "..."]')] : []);
  }

  /** Send an HTTP GET. */
  public static httpGet(options: HttpHookOptions): Hook {
    return new Hook({ httpGet: Hook.http(options) }, options, Hook.portProblems('httpGet.port', options.port));
  }

  /** Send an HTTP POST. */
  public static httpPost(options: HttpPostHookOptions): Hook {
    return new Hook({ httpPost: compact({ ...Hook.http(options), body: options.body }) }, options, Hook.portProblems('httpPost.port', options.port));
  }

  /** Open a TCP connection (succeeds when the port accepts). */
  public static tcpSocket(port: number, options: TcpHookOptions = {}): Hook {
    return new Hook({ tcpSocket: compact({ port, host: options.host }) }, options, Hook.portProblems('tcpSocket.port', port));
  }

  private static http(options: HttpHookOptions): { [key: string]: any } {
    const headers = Object.entries(options.headers ?? {}).map(([name, value]) => ({ name, value }));
    return compact({
      host: options.host,
      path: options.path,
      port: options.port,
      scheme: options.scheme,
      httpHeaders: headers.length ? headers : undefined,
    });
  }

  private static portProblems(field: string, port: number): string[] {
    return integerProblems(field, port, 1, 65535, 'use a port between 1 and 65535');
  }

  private constructor(
    private readonly handler: { [key: string]: any },
    private readonly options: HookOptions,
    private readonly own: string[],
  ) {}

  /**
   * Problems of the hook used as `field`.
   * @param pre whether it runs before the session (pre hooks have no execution policy)
   * @param backup whether it is a backup hook (OnFinalRetryFailure is backup-only)
   */
  public problems(field: string, pre: boolean, backup: boolean): string[] {
    const out = this.own.map((p) => `${field}.${p}`);
    const policy = this.options.executionPolicy;
    if (pre && policy !== undefined) {
      out.push(problem(`${field}.executionPolicy`, 'is set on a pre hook, which always runs (the API server would drop the field)', 'remove executionPolicy, or move the hook to the post position'));
    }
    if (!backup && policy === HookExecutionPolicy.ON_FINAL_RETRY_FAILURE) {
      out.push(problem(`${field}.executionPolicy`, 'OnFinalRetryFailure applies to backups only; restores are not retried', 'use ON_FAILURE'));
    }
    return out;
  }

  /** The hook as Stash JSON (`{ exec: {...}, containerName, executionPolicy }`). */
  public toJson(): { [key: string]: any } {
    return compact({ ...JSON.parse(JSON.stringify(this.handler)), containerName: this.options.containerName, executionPolicy: this.options.executionPolicy });
  }
}
