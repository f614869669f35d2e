"""MV150 on pymilvus 2.4.15: ORM calls on an alias the script never connected."""

import os

from _evidence import case, db_path, emit, quiet

quiet()
from pymilvus import Collection, MilvusClient, connections, utility  # noqa: E402

base = os.path.dirname(db_path())
connections.connect(alias="search", uri=os.path.join(base, "orm.db"))
case("named_alias_then_default_utility", lambda: utility.list_collections())
case("named_alias_then_default_collection", lambda: Collection("docs"))
case("named_alias_passed_along", lambda: utility.list_collections(using="search"))
connections.disconnect("search")

client = MilvusClient(db_path())
case("only_client_then_utility", lambda: utility.has_collection("docs"))
case("only_client_then_collection", lambda: Collection("docs"))
case("client_method", lambda: client.has_collection("docs"))
client.close()
emit()
