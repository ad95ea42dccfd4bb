# Classifier re-training, cRT (Kang et al., ICLR 2020), stage 2 on
# CIFAR-10-LT IF100: the backbone of a CE model, frozen (BN in eval mode), a
# fresh linear classifier trained 10 epochs with class-balanced sampling.
# The paper's CIFAR schedule is not published; this uses cosine decay from
# lr 0.1 (SGD, momentum 0.9, wd 5e-4, batch 128). Give stage 1 with
#   --cfg-options model.backbone.init_cfg.checkpoint=<CE checkpoint>
_base_ = [
    '../_base_/models/resnet32_cifar_ce.py',
    '../_base_/datasets/cifar10lt_bs128.py',
    '../_base_/default_runtime.py',
]
stage1_checkpoint = 'work_dirs/ce_resnet32_cifar10lt/epoch_200.pth'
model = dict(
    backbone=dict(
        frozen_stages=3,
        init_cfg=dict(
            type='Pretrained', checkpoint=stage1_checkpoint,
            prefix='backbone.')),
    head=dict(type='WeightedLinearClsHead', num_classes=10, init_cfg=dict(
        type='Normal', layer='Linear', std=0.01)))
train_dataloader = dict(sampler=dict(_delete_=True, type='ClassAwareSampler'))
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=10, eta_min=0.0, by_epoch=True,
         begin=0, end=10)
]
train_cfg = dict(by_epoch=True, max_epochs=10, val_interval=5)
val_cfg = dict()
test_cfg = dict()
custom_hooks = [
    # Class priors from the training set; the epoch for DRW-style stages.
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
]
