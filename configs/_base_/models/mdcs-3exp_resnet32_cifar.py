# MDCS (Zhao et al., ICCV 2023), CIFAR: RIDE's 3-expert ResNet-32 (24 / 48
# channels, cosine classifiers, s = 30) with the MDCS loss in place of
# RIDE's (prior-shifted experts lambda = -0.5 / 1 / 2.5, consistency
# self-distillation weight 0.6 ramped over 20 epochs, T = 1). Training
# batches hold a weak and a strong view of each image (the method config's
# pipeline and MultiViewClsDataPreprocessor).
_base_ = ['./ride-3exp_resnet32_cifar.py']
model = dict(
    head=dict(
        loss=dict(
            _delete_=True,
            type='MDCSLoss',
            prior_factors=(-0.5, 1.0, 2.5),
            consistency_weight=0.6,
            consistency_warmup=20,
            temperature=1.0)))
