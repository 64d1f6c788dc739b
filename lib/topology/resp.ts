/**
 * A command as a Redis client puts it on the wire (RESP: an array of bulk strings), for the few places that talk
 * to a server on a raw socket instead of through ioredis: a command that gets no reply (REPLCONF GETACK), or one
 * that must go without the client library's implicit AUTH / HELLO.
 */
export function respCommand(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}
