class_name BenchgenEntityDiedGoal
extends Node
## Succeeds when an entity dies (the seed's "attack" goal).
##
## The entity dies when it emits a [code]died[/code] signal, or, if it has none, when it
## leaves the tree.

## Emitted when the watched entity dies.
signal entity_died(entity: Node)

## The entity to watch.
@export var entity_path: NodePath


func _ready() -> void:
	var entity := get_node_or_null(entity_path)
	if entity == null:
		push_error("benchgen: %s has no entity at %s." % [name, entity_path])
		return
	var sig := "died" if entity.has_signal("died") else "tree_exiting"
	entity.connect(sig, _on_entity_died.bind(entity))


func _on_entity_died(entity: Node) -> void:
	entity_died.emit(entity)
