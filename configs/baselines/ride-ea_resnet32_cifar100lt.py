# RIDE's expert-assignment router (stage 2) on CIFAR-100-LT IF100: a trained
# RIDE model, frozen (BN in eval mode), and the router trained 5 epochs
# with class-balanced sampling, batch 512, SGD Nesterov lr 0.01, wd 5e-4,
# cosine (config_imbalance_cifar100_ride_ea.json). Give stage 1 with
#   --cfg-options load_from=<RIDE checkpoint>
_base_ = ['./ride_resnet32_cifar100lt.py']
load_from = 'work_dirs/ride_resnet32_cifar100lt/epoch_200.pth'
model = dict(
    head=dict(
        router=dict(
            type='RIDERouter', top_k=30, hidden_channels=16,
            pos_weight=100.0),
        train_router=True))
train_dataloader = dict(
    batch_size=512,
    sampler=dict(_delete_=True, type='ClassAwareSampler'))
optim_wrapper = dict(
    optimizer=dict(
        type='SGD', lr=0.01, momentum=0.9, nesterov=True,
        weight_decay=5e-4))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=5, eta_min=0.0, by_epoch=True,
         begin=0, end=5)
]
train_cfg = dict(by_epoch=True, max_epochs=5, val_interval=1)
# Only the router gets gradients.
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=True)
custom_hooks = [
    dict(type='TrainClassCountsHook'),
    dict(type='EpochStateHook'),
    dict(
        type='ClassifierRetrainHook',
        begin_epoch=0,
        trainable=('head.router', ),
        frozen_bn_eval=True),
]
