import path from 'node:path';
import ts from 'typescript';

const sourceCache = new Map<string, ts.SourceFile>();

/**
 * Type-checks a TypeScript or JavaScript project with the compiler API (what tsc
 * does), reading `overrides` (absolute path -> text) instead of the files on disk.
 */
export function typecheck(dir: string, configName: string, overrides = new Map<string, string>()): string[] {
  const cfg = ts.readConfigFile(path.join(dir, configName), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, dir);
  const host = ts.createCompilerHost(parsed.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => overrides.get(path.resolve(f)) ?? readFile(f);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError) => {
    const text = overrides.get(path.resolve(f));
    if (text !== undefined) return ts.createSourceFile(f, text, lang);
    // The standard library is parsed once for every check in the process.
    const key = `${f}\0${typeof lang === 'object' ? lang.languageVersion : lang}`;
    let sf = sourceCache.get(key);
    if (!sf) {
      sf = getSourceFile(f, lang, onError);
      if (sf) sourceCache.set(key, sf);
    }
    return sf;
  };
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
  // The project's own files (the standard library is not ours to check, and checking lib.dom takes seconds).
  const own = parsed.fileNames.map((f) => program.getSourceFile(f)!);
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...own.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]),
  ];
  return diagnostics.map((d) => `${d.file ? `${path.relative(dir, d.file.fileName)}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}
