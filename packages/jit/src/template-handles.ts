// TDUP's template as a trace constant: LuaJIT's TDUP names the template GCtab (a KGC tab) and
// lj_tab_dup copies it. Templates here are compile-time constant lists, not tables, so each
// gets one empty table of the interpreter's heap as its handle: the recorder puts the handle
// in the IR, and the lj_tab_dup helper finds the template again and copies it exactly as the
// interpreter's TDUP does.
import type { LuaInterpreter, LuaTable, TemplateTable } from '@tracesim/lua';

const handles = new WeakMap<LuaInterpreter, { readonly byTemplate: WeakMap<TemplateTable, LuaTable>; readonly byHandle: WeakMap<LuaTable, TemplateTable> }>();

function registry(vm: LuaInterpreter) {
  let r = handles.get(vm);
  if (!r) handles.set(vm, (r = { byTemplate: new WeakMap(), byHandle: new WeakMap() }));
  return r;
}

/** The handle table standing for `template` in trace constants (the same one every time). */
export function templateHandle(vm: LuaInterpreter, template: TemplateTable): LuaTable {
  const r = registry(vm);
  let handle = r.byTemplate.get(template);
  if (!handle) {
    handle = vm.heap.table();
    r.byTemplate.set(template, handle);
    r.byHandle.set(handle, template);
  }
  return handle;
}

/** The template a handle stands for. */
export function templateOf(vm: LuaInterpreter, handle: LuaTable): TemplateTable | undefined {
  return registry(vm).byHandle.get(handle);
}
