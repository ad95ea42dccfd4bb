# README, "Your own dataset": CE ResNet-32 on the DiffuLT proxy of a long-
# tailed folder <data_root>/{train,test}/<class>/<image>, on 2 CPU cores.
# The data is defined here only: the DiffuLT stages follow it, and every
# num_classes is the training set's.
_base_ = [
    '../_base_/models/resnet32_cifar_ce.py',
    '../_base_/datasets/image-folder-lt_bs128.py',
    '../_base_/schedules/cpu-protocol-v2_sgd_30e_cosine.py',
    '../_base_/default_runtime.py',
    '../_base_/diffult/from-classifier-data_cpu.py',
]
data_root = '{{$DIFFULT_DATA_ROOT:data/my_images}}'
flip = [dict(type='RandomFlip', prob=0.5)]  # [] if classes mirror each other
load = [dict(type='LoadImageFromFile'), dict(type='Resize', scale=(32, 32))]
augment = [dict(type='RandomCrop', crop_size=32, padding=4)] + flip
train_set = dict(
    type='LongTailDataset', imbalance_factor=None,  # its own imbalance
    dataset=dict(type='CustomDataset', data_root=data_root, data_prefix='train',
                 pipeline=load + augment + [dict(type='PackInputs')]))
test_set = dict(
    type='LongTailDataset', imbalance_factor=None, class_counts_from=train_set,
    dataset=dict(type='CustomDataset', data_root=data_root, data_prefix='test',
                 pipeline=load + [dict(type='PackInputs')]))
# N_t = the largest class, omega = 0.3 (the base's diffult_proxy).
train_dataloader = dict(dataset=dict(dataset=train_set, **_base_.diffult_proxy))
val_dataloader = test_dataloader = dict(dataset=test_set)
model = dict(head=dict(type='WeightedLinearClsHead', num_classes='auto'))
custom_hooks = [{{_base_.diffult_synthesis}}, dict(type='TrainClassCountsHook')]
