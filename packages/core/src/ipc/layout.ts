import { DataType, Type, type Field } from 'apache-arrow';

/** Field nodes and buffers one column carries in an IPC record batch (format v5). */
export interface IpcLayout {
  nodes: number;
  buffers: number;
}

/**
 * The IPC layout of a column of this type; null for types whose layout the relays
 * do not vouch for (unions and view types), which are decoded instead.
 */
export function ipcColumnLayout(type: DataType): IpcLayout | null {
  let nodes = 0;
  let buffers = 0;
  const visit = (t: DataType): boolean => {
    nodes++;
    switch (t.typeId) {
      case Type.Null:
        return true;
      case Type.Utf8:
      case Type.Binary:
      case Type.LargeUtf8:
      case Type.LargeBinary:
        buffers += 3;
        return true;
      case Type.List:
      case Type.LargeList:
      case Type.Map:
        buffers += 2;
        return visit(t.children[0].type);
      case Type.FixedSizeList:
      case Type.Struct:
        buffers += 1;
        return t.children.every((f: Field) => visit(f.type));
      case Type.Dictionary:
      case Type.Bool:
      case Type.Int:
      case Type.Float:
      case Type.Date:
      case Type.Time:
      case Type.Timestamp:
      case Type.Duration:
      case Type.Decimal:
      case Type.Interval:
      case Type.FixedSizeBinary:
        buffers += 2;
        return true;
      default:
        return false;
    }
  };
  return visit(type) ? { nodes, buffers } : null;
}

/** The layout of a whole record batch of these column types, or null (see ipcColumnLayout). */
export function ipcLayout(types: DataType[]): IpcLayout | null {
  const total = { nodes: 0, buffers: 0 };
  for (const t of types) {
    const l = ipcColumnLayout(t);
    if (!l) return null;
    total.nodes += l.nodes;
    total.buffers += l.buffers;
  }
  return total;
}

/** Dictionary ids in a type, depth first, so a later stream's ids can be mapped onto the first's. */
export function dictionaryIdsOf(type: DataType, out: number[] = []): number[] {
  if (DataType.isDictionary(type)) {
    out.push(type.id);
    dictionaryIdsOf(type.dictionary, out);
  }
  for (const c of (type.children ?? []) as Field[]) dictionaryIdsOf(c.type, out);
  return out;
}
