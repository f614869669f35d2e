"""Apply a migration plan to the tree: replace the planned nodes, leave every other byte alone.

Replacements are built bottom-up from the updated nodes (so a migrated call inside another
migrated call survives), parsed from the source the plan's builders write, and given the comments
the replaced statement had: the lines above it go to the first new statement, the comment at the
end of its line to the last. A removed statement hands its comment lines to the next statement.
"""

from __future__ import annotations

import libcst as cst

from checks.codemods.plan import Edit
from checks.codemods.render import Where


class ApplyEdits(cst.CSTTransformer):
    """Replace each planned node (by identity in the original tree) with what its edit builds."""

    def __init__(self, module: cst.Module, edits: list[Edit]):
        super().__init__()
        self.module = module
        self.edits = {id(edit.node): edit for edit in edits}
        self.indents = [""]  # absolute indentation of each enclosing block, for line widths
        # The `pass` placeholders of removed statements, by id. Held, not just their ids: a
        # placeholder dropped from its block would be freed, and CPython gives a freed object's
        # id to the next new object, so a later statement could be dropped in its place.
        self.removed: dict[int, cst.SimpleStatementLine] = {}

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        indent = node.indent if node.indent is not None else self.module.default_indent
        self.indents.append(self.indents[-1] + indent)

    def leave_IndentedBlock(self, original_node, updated_node):
        self.indents.pop()
        return updated_node.with_changes(body=self.drop_removed(updated_node.body))

    def leave_Module(self, original_node, updated_node):
        return updated_node.with_changes(body=self.drop_removed(updated_node.body))

    def on_leave(self, original_node, updated_node):
        updated_node = super().on_leave(original_node, updated_node)
        edit = self.edits.get(id(original_node))
        if edit is None:
            return updated_node
        if edit.is_statement:
            return self.replace_statement(original_node, updated_node, edit)
        where = Where(self.module, "", edit.column)
        new = cst.parse_expression(edit.build(updated_node, where))
        if updated_node.lpar and hasattr(new, "lpar"):
            new = new.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
        return new

    def replace_statement(self, original, updated: cst.SimpleStatementLine, edit: Edit):
        text = edit.build(updated, Where(self.module, "", len(self.indents[-1])))
        if not text:
            placeholder = cst.SimpleStatementLine([cst.Pass()], leading_lines=updated.leading_lines)
            self.removed[id(placeholder)] = placeholder
            return placeholder
        statements = list(cst.parse_module(text + "\n").body)
        statements[0] = statements[0].with_changes(leading_lines=updated.leading_lines)
        last = statements[-1]
        if isinstance(last, cst.SimpleStatementLine):
            statements[-1] = last.with_changes(trailing_whitespace=updated.trailing_whitespace)
        elif isinstance(getattr(last, "body", None), cst.IndentedBlock):
            block = last.body.with_changes(header=updated.trailing_whitespace)
            statements[-1] = last.with_changes(body=block)
        return cst.FlattenSentinel(statements)

    def drop_removed(self, body):
        """Drop removed statements' placeholders, moving their comment lines to what follows."""
        kept, carried = [], []
        for statement in body:
            if id(statement) in self.removed:
                carried += [line for line in statement.leading_lines if line.comment]
                continue
            if carried:
                statement = statement.with_changes(
                    leading_lines=[*carried, *statement.leading_lines]
                )
                carried = []
            kept.append(statement)
        if not kept:  # the block held only removed statements: it still needs a body
            return [cst.SimpleStatementLine([cst.Pass()], leading_lines=carried)]
        return kept
