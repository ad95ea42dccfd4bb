# DiffuLT's phi0 stage for any dataset: a CE ResNet-32 (CIFAR stem; images
# at the classifier pipeline's size, 32 x 32 here) on the classifier's real
# long-tailed set, 10 epochs of the CPU protocol's optimiser with a cosine
# lr. This file holds a model and a schedule only: the data, normalisation,
# validation set and class count come from the classifier config that runs
# the pipeline (DiffuLTSynthesisHook(stage_data='classifier');
# diffult_plugin/diffult/stage_data.py).
_base_ = [
    '../../models/resnet32_cifar_ce.py',
    '../../default_runtime.py',
]
model = dict(backbone=dict(channels_last=True), head=dict(num_classes='auto'))
data_preprocessor = dict(num_classes='auto')
train_dataloader = dict(
    batch_size=128,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=None)  # the classifier's real long-tailed set
val_dataloader = dict(
    batch_size=256,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=None)  # the classifier's validation set
val_evaluator = dict(type='LongTailAccuracy')
val_cfg = dict()
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.1, momentum=0.9, weight_decay=2e-4, nesterov=True))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=10, T_max=10,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=10, val_interval=10)
default_hooks = dict(checkpoint=dict(interval=10))
