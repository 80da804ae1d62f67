class_name BenchgenInventoryGoal
extends Node
## Succeeds when an item lands in an inventory (the seed's "eat meat" style goal).
##
## The inventory is any node with an [code]item_added(item: StringName)[/code] signal,
## such as [BenchgenAgent].

## Emitted when [member item] is added to the watched inventory.
signal item_obtained(item: StringName)

## The node whose [code]item_added[/code] signal is watched.
@export var inventory_path: NodePath
## The item that completes the goal.
@export var item: StringName = &""


func _ready() -> void:
	var inventory := get_node_or_null(inventory_path)
	if inventory == null or not inventory.has_signal("item_added"):
		push_error("benchgen: %s needs an inventory with an item_added signal." % name)
		return
	inventory.connect("item_added", _on_item_added)


func _on_item_added(added: StringName) -> void:
	if added == item:
		item_obtained.emit(added)
