_base_ = './cifar100lt_bs128.py'

imbalance_factor = 10
train_dataloader = dict(dataset=dict(imbalance_factor=imbalance_factor))
val_dataloader = dict(dataset=dict(imbalance_factor=imbalance_factor))
test_dataloader = val_dataloader
