import { compact } from '../../core/metadata';
import { nameProblems, NameRule } from '../../core/validation/names';
import { integerProblems, problem } from '../../core/validation/problems';

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
    const list = Array.isArray(command) ? [...command] : [];
    const own = list.length === 0 ? [problem('exec.command', 'is empty', 'pass the command and its arguments, e.g. ["/bin/sh", "-c", "..."]')]
      : list.some((c) => typeof c !== 'string') ? [problem('exec.command', 'has items that are not strings', 'pass strings only')] : [];
    return new Hook({ exec: { command: list } }, options, own);
  }

  /** Send an HTTP GET. */
  public static httpGet(options: HttpHookOptions): Hook {
    return new Hook({ httpGet: Hook.http(options) }, options, Hook.httpProblems('httpGet', options));
  }

  /** Send an HTTP POST. */
  public static httpPost(options: HttpPostHookOptions): Hook {
    return new Hook({ httpPost: compact({ ...Hook.http(options), body: options?.body }) }, options, Hook.httpProblems('httpPost', options));
  }

  /** Open a TCP connection (succeeds when the port accepts). */
  public static tcpSocket(port: number, options: TcpHookOptions = {}): Hook {
    return new Hook({ tcpSocket: compact({ port, host: options?.host }) }, options, [
      ...Hook.portProblems('tcpSocket.port', port), ...Hook.hostProblems('tcpSocket.host', options?.host)]);
  }

  private static http(options: HttpHookOptions): { [key: string]: any } {
    options = options ?? {};
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
    if (port === undefined || port === null) return [problem(field, 'is missing', 'pass the port, between 1 and 65535')];
    return integerProblems(field, port, 1, 65535, 'use a port between 1 and 65535');
  }

  private static hostProblems(field: string, host: string | undefined): string[] {
    if (host === undefined) return [];
    if (typeof host !== 'string' || !/^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$|^\[[0-9a-fA-F:.]+\]$/.test(host) || host.length > 253) {
      return [problem(field, `${JSON.stringify(host)} is not a host name or IP address`, 'use a host such as "hooks.example.com", or leave host out for the pod\'s IP')];
    }
    return [];
  }

  private static httpProblems(field: string, options: HttpHookOptions): string[] {
    const o = options ?? ({} as HttpHookOptions);
    const out = [...Hook.portProblems(`${field}.port`, o.port), ...Hook.hostProblems(`${field}.host`, o.host)];
    if (o.path !== undefined && (typeof o.path !== 'string' || !o.path.startsWith('/') || /\s/.test(o.path))) {
      out.push(problem(`${field}.path`, `${JSON.stringify(o.path)} is not an absolute URL path`, 'use a path such as "/backup-done"'));
    }
    if (o.scheme !== undefined && o.scheme !== HttpScheme.HTTP && o.scheme !== HttpScheme.HTTPS) {
      out.push(problem(`${field}.scheme`, `${JSON.stringify(o.scheme)} is not HTTP or HTTPS`, 'use HttpScheme.HTTP or HttpScheme.HTTPS'));
    }
    for (const [name, value] of Object.entries(o.headers ?? {})) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) out.push(problem(`${field}.headers`, `"${name}" is not an HTTP header name`, 'use a header name such as "X-Token"'));
      if (typeof value !== 'string' || /[\r\n]/.test(value)) out.push(problem(`${field}.headers.${name}`, 'is not a one-line string', 'pass a one-line string'));
    }
    if ((o as HttpPostHookOptions).body !== undefined && typeof (o as HttpPostHookOptions).body !== 'string') {
      out.push(problem(`${field}.body`, 'is not a string', 'pass the body as a string'));
    }
    return out;
  }

  private constructor(
    private readonly handler: { [key: string]: any },
    private readonly options: HookOptions,
    private readonly own: string[],
  ) {
    this.options = options ?? {};
  }

  /**
   * Problems of the hook used as `field`.
   * @param pre whether it runs before the session (pre hooks have no execution policy)
   * @param backup whether it is a backup hook (OnFinalRetryFailure is backup-only)
   */
  public problems(field: string, pre: boolean, backup: boolean): string[] {
    const out = this.own.map((p) => `${field}.${p}`);
    out.push(...nameProblems(`${field}.containerName`, this.options.containerName, NameRule.DNS_LABEL));
    const policy = this.options.executionPolicy;
    if (policy !== undefined && !Object.values(HookExecutionPolicy).includes(policy)) {
      out.push(problem(`${field}.executionPolicy`, `${JSON.stringify(policy)} is not an execution policy`, 'use a HookExecutionPolicy value'));
    }
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
