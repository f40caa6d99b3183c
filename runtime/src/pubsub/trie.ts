import { ONE_TOKEN, REST } from './subject.js';

/**
 * Subscriptions indexed by pattern token, so matching a subject walks at most
 * the trie paths its tokens (or "*") lead to, instead of testing every
 * subscriber. Items at `rest` hold patterns ending in ">" at that depth.
 */
class TrieNode<T> {
  readonly children = new Map<string, TrieNode<T>>();
  oneToken: TrieNode<T> | undefined;
  readonly exact = new Set<T>();
  readonly rest = new Set<T>();

  isEmpty(): boolean {
    return this.children.size === 0 && this.oneToken === undefined && this.exact.size === 0 && this.rest.size === 0;
  }
}

export class SubjectTrie<T> {
  private readonly root = new TrieNode<T>();

  /** `pattern` must have passed parsePattern. */
  add(pattern: readonly string[], item: T): void {
    let node = this.root;
    for (const token of pattern) {
      if (token === REST) {
        node.rest.add(item);
        return;
      }
      let next = token === ONE_TOKEN ? node.oneToken : node.children.get(token);
      if (next === undefined) {
        next = new TrieNode<T>();
        if (token === ONE_TOKEN) node.oneToken = next;
        else node.children.set(token, next);
      }
      node = next;
    }
    node.exact.add(item);
  }

  /** Removes `item` for `pattern` and prunes nodes left empty. */
  remove(pattern: readonly string[], item: T): void {
    this.removeFrom(this.root, pattern, 0, item);
  }

  /** Every item whose pattern matches the subject tokens, each once. */
  match(subject: readonly string[]): Set<T> {
    const found = new Set<T>();
    this.collect(this.root, subject, 0, found);
    return found;
  }

  get isEmpty(): boolean {
    return this.root.isEmpty();
  }

  private collect(node: TrieNode<T>, subject: readonly string[], depth: number, found: Set<T>): void {
    if (depth === subject.length) {
      for (const item of node.exact) found.add(item);
      return;
    }
    for (const item of node.rest) found.add(item);
    const child = node.children.get(subject[depth] as string);
    if (child !== undefined) this.collect(child, subject, depth + 1, found);
    if (node.oneToken !== undefined) this.collect(node.oneToken, subject, depth + 1, found);
  }

  private removeFrom(node: TrieNode<T>, pattern: readonly string[], depth: number, item: T): void {
    const token = pattern[depth];
    if (token === undefined) {
      node.exact.delete(item);
      return;
    }
    if (token === REST) {
      node.rest.delete(item);
      return;
    }
    const child = token === ONE_TOKEN ? node.oneToken : node.children.get(token);
    if (child === undefined) return;
    this.removeFrom(child, pattern, depth + 1, item);
    if (!child.isEmpty()) return;
    if (token === ONE_TOKEN) node.oneToken = undefined;
    else node.children.delete(token);
  }
}
