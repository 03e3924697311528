import type { CompletionNode } from './model.js';

/** Words for a shell: they are command, option and value names only, so no quoting is needed. */
const words = (list: readonly string[]) => list.join(' ');

/**
 * Bash: `_tradedb` finds the subcommand path among the words typed so far,
 * then offers an option's values after that option, options after `-`, and
 * else the subcommands (or the argument's values). The global options
 * (the top level's) are offered everywhere.
 */
export function bashScript(nodes: readonly CompletionNode[]): string {
  const top = nodes.find((node) => node.path === '')!;
  const cases = (pick: (node: CompletionNode) => string) =>
    nodes
      .map((node) => [node.path, pick(node)] as const)
      .filter(([, text]) => text !== '')
      .map(([path, text]) => `    "${path}") echo "${text}" ;;`)
      .join('\n');
  const valueCases: string[] = [];
  for (const node of nodes) {
    for (const option of node.options) {
      if (option.values.length === 0) continue;
      const key = node === top ? `*|${option.flag}` : `${node.path}|${option.flag}`;
      valueCases.push(`    "${key}") echo "${words(option.values)}" ;;`);
    }
  }
  // Globals last: a subcommand's own option of the same name wins.
  valueCases.sort((a, b) => Number(a.startsWith('    "*|')) - Number(b.startsWith('    "*|')));
  const valueTaking = new Set(
    nodes.flatMap((node) => node.options.filter((o) => o.takesValue).map((o) => o.flag)),
  );
  return `# tradedb completion for bash. Install: tradedb completion bash > ~/.local/share/bash-completion/completions/tradedb
_tradedb_subcommands() {
  case "$1" in
${cases((node) => words(node.subcommands))}
  esac
}
_tradedb_options() {
  case "$1" in
${cases((node) => words(node.options.map((option) => option.flag)))}
  esac
  echo "${words(top.options.map((option) => option.flag))}"
}
_tradedb_arguments() {
  case "$1" in
${cases((node) => words(node.argumentValues))}
  esac
}
_tradedb_values() {
  case "$1|$2" in
${valueCases.join('\n')}
  esac
  case "*|$2" in
${valueCases.filter((line) => line.startsWith('    "*|')).join('\n')}
  esac
}
_tradedb() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" word i skip=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    case " ${words([...valueTaking])} " in *" $word "*) skip=1; continue ;; esac
    case "$word" in -*) continue ;; esac
    case " $(_tradedb_subcommands "$path") " in *" $word "*) path="\${path:+$path }$word" ;; esac
  done
  local values
  values="$(_tradedb_values "$path" "$prev")"
  if [[ -n "$values" ]]; then
    COMPREPLY=($(compgen -W "$values" -- "$cur"))
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_tradedb_options "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_tradedb_subcommands "$path") $(_tradedb_arguments "$path")" -- "$cur"))
  fi
}
complete -o default -F _tradedb tradedb
`;
}

/** Zsh runs the bash completion through its bashcompinit layer: one script to keep right, not two. */
export function zshScript(nodes: readonly CompletionNode[]): string {
  return `#compdef tradedb
# tradedb completion for zsh. Install: tradedb completion zsh > "\${fpath[1]}/_tradedb" (or source it from ~/.zshrc)
autoload -U +X bashcompinit && bashcompinit
${bashScript(nodes).replace(/^# tradedb completion for bash.*\n/, '')}`;
}

/** Fish: one `complete` line per subcommand, option and value set, each under its subcommand path. */
export function fishScript(nodes: readonly CompletionNode[]): string {
  const top = nodes.find((node) => node.path === '')!;
  const lines = [
    '# tradedb completion for fish. Install: tradedb completion fish > ~/.config/fish/completions/tradedb.fish',
    '# The subcommand path typed so far (subcommand names only, options and their values skipped).',
    'function __tradedb_path',
    '    set -l tokens (commandline -opc)',
    '    set -l path',
    '    for token in $tokens[2..-1]',
    '        switch $token',
    '            case "-*"',
    '                continue',
    '        end',
    '        if contains -- "$token" (__tradedb_subcommands (string join " " $path))',
    '            set path $path $token',
    '        end',
    '    end',
    '    string join " " $path',
    'end',
    'function __tradedb_subcommands',
    '    switch "$argv[1]"',
    ...nodes
      .filter((node) => node.subcommands.length > 0)
      .flatMap((node) => [
        `        case "${node.path}"`,
        `            printf "%s\\n" ${words(node.subcommands)}`,
      ]),
    '    end',
    'end',
  ];
  for (const node of nodes) {
    const when = `-n 'test (__tradedb_path) = "${node.path}"'`;
    if (node.subcommands.length > 0 || node.argumentValues.length > 0) {
      lines.push(
        `complete -c tradedb -f ${when} -a "${words([...node.subcommands, ...node.argumentValues])}"`,
      );
    }
    const options =
      node === top ? node.options : node.options.filter((o) => !top.options.some((t) => t.flag === o.flag));
    for (const option of options) {
      const scope = node === top ? '' : `${when} `;
      const value = option.takesValue
        ? option.values.length > 0
          ? ` -x -a "${words(option.values)}"`
          : ' -r'
        : '';
      lines.push(`complete -c tradedb ${scope}-l ${option.flag.replace(/^--/, '')}${value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
