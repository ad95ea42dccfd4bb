# CIFAR-10-LT (IF 100, LDAM-DRW / RIDE protocol, seed 0), batch 128.
# The data root holds `cifar-10-batches-py/` (see cifar100lt_bs128.py).
_base_ = './cifar100lt_bs128.py'

dataset_type = 'CIFAR10LT'
data_preprocessor = dict(num_classes=10)
train_dataloader = dict(dataset=dict(type=dataset_type))
val_dataloader = dict(dataset=dict(type=dataset_type))
test_dataloader = val_dataloader
