// TDUP's template as a trace constant: LuaJIT's TDUP names the template GCtab (a KGC tab) and
// lj_tab_dup copies it. The interpreter keeps that table for each constructor template
// (LuaInterpreter.templateTable); the recorder puts it in the IR, and the lj_tab_dup helper
// finds the template again and copies it exactly as the interpreter's TDUP does.
import type { LuaInterpreter, LuaTable, TemplateTable } from '@tracesim/lua';

const templates = new WeakMap<LuaTable, TemplateTable>();

/** The template table standing for `template` in trace constants (the same one every time). */
export function templateHandle(vm: LuaInterpreter, template: TemplateTable): LuaTable {
  const table = vm.templateTable(template);
  templates.set(table, template);
  return table;
}

/** The template a template table stands for. */
export function templateOf(handle: LuaTable): TemplateTable | undefined {
  return templates.get(handle);
}
